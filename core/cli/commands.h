// The commands of optbench-host, one function each: main.cpp parses the command line with the
// options below and calls it with the positional arguments.
#pragma once

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace optbench::cli {

using Options = boost::program_options::options_description;
using Arguments = std::vector<std::string>;
using VariablesMap = boost::program_options::variables_map;

// experiment_commands.cpp: run, validate, submit, run-one, status
Options run_options();
Options submit_options();
int cmd_experiment(const std::string& command, const VariablesMap& vm, const Arguments& args);  // run, validate
int cmd_submit(const VariablesMap& vm, const Arguments& args);
int cmd_run_one(const VariablesMap& vm, const Arguments& args);
int cmd_status(const Arguments& args);

// component_commands.cpp: plugins, describe, replay, conformance
int cmd_plugins(const VariablesMap& vm);
int cmd_describe(const VariablesMap& vm, const Arguments& args);
int cmd_replay(const VariablesMap& vm, const Arguments& args);
int cmd_conformance(const VariablesMap& vm, const Arguments& args);

// output_commands.cpp: score, report
Options score_options();
Options report_options();
int cmd_score(const VariablesMap& vm, const Arguments& args);
int cmd_report(const VariablesMap& vm, const Arguments& args);

// data_commands.cpp: data fetch, data list
Options data_options();
int cmd_data(const VariablesMap& vm, const Arguments& args);

}  // namespace optbench::cli
