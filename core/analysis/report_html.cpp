// The report page: tables as HTML, charts as Vega-Lite specs rendered to SVG by the inlined
// vega-embed. Each chart is a <div class="chart"> that the browser test checks.

#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis/report.h"
#include "common/host_paths.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace optbench::core {

namespace {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON inside <script>: "</script" in a string must not end it early; "<\/" is the same string.
std::string script_safe_json(std::string text) {
  for (size_t at = 0; (at = text.find("</", at)) != std::string::npos; at += 3) text.replace(at, 2, "<\\/");
  return text;
}

std::string read_asset(const fs::path& dir, const std::string& name) {
  std::ifstream in(dir / name, std::ios::binary);
  if (!in)
    throw std::runtime_error("report: " + (dir / name).string() + " is missing; the build writes it with "
                             "core/analysis/report/write_vega_bundle.py (run scripts/install-deps.sh, then build again)");
  std::ostringstream text;
  text << in.rdbuf();
  std::string js = text.str();
  const auto map = js.rfind("//# sourceMappingURL=");  // a map the page cannot load offline
  if (map != std::string::npos) js.erase(map);
  if (js.find("</script") != std::string::npos)  // would end the inline <script> early
    throw std::runtime_error("report: " + (dir / name).string() + " contains \"</script\" and cannot be inlined");
  return js;
}

std::string number(const json& x, int digits = 4) {
  if (!x.is_number()) return "–";
  const double v = x.get<double>();
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*g", digits, v);
  return buf;
}

// "mean ± ci95 (n)" of a SeedStats object.
std::string stats_cell(const json& s, double scale = 1) {
  if (!s.is_object() || !s["mean"].is_number()) return "–";
  std::string out = number(s["mean"].get<double>() * scale);
  if (s["ci95"].is_number()) out += " ± " + number(s["ci95"].get<double>() * scale, 2);
  return out;
}

class Page {
 public:
  void heading(int level, const std::string& text) {
    body_ << "<h" << level << ">" << escape_html(text) << "</h" << level << ">\n";
  }
  void paragraph(const std::string& text) { body_ << "<p>" << escape_html(text) << "</p>\n"; }
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    if (rows.empty()) return;
    body_ << "<table><thead><tr>";
    for (const auto& h : header) body_ << "<th>" << escape_html(h) << "</th>";
    body_ << "</tr></thead><tbody>\n";
    for (const auto& row : rows) {
      body_ << "<tr>";
      for (const auto& cell : row) body_ << "<td>" << escape_html(cell) << "</td>";
      body_ << "</tr>\n";
    }
    body_ << "</tbody></table>\n";
  }
  void chart(json spec) {
    if (spec["data"]["values"].empty()) {  // e.g. no sweep, or train_metrics = false
      paragraph("(" + spec["title"].get<std::string>() + ": no data)");
      return;
    }
    const std::string id = "chart" + std::to_string(specs_.size());
    body_ << "<div class=\"chart\" id=\"" << id << "\"></div>\n";
    specs_[id] = std::move(spec);
  }
  std::string html(const fs::path& assets) const {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>optbench report</title>\n"
        << "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;"
           "margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
           "td:first-child,th:first-child{text-align:left}.chart{display:inline-block;margin:1em 1em 1em 0}"
           "</style>\n";
    out << "<script>" << read_asset(assets, "vega_bundle.js") << "</script>\n";
    out << "</head><body>\n" << body_.str();
    // In a block: the bundle's top-level names share the page's global scope.
    out << "<script>\n{\nconst specs = " << script_safe_json(json(specs_).dump()) << ";\n"
        << "Promise.all(Object.entries(specs).map(([id, spec]) =>\n"
           "  vegaEmbed('#' + id, spec, {renderer: 'svg', actions: false, mode: 'vega-lite'})))\n"
           "  .then(() => { document.body.dataset.rendered = String(Object.keys(specs).length); })\n"
           "  .catch((e) => { document.body.dataset.renderError = String(e); console.error(e); });\n}\n"
           "</script>\n</body></html>\n";
    return out.str();
  }

 private:
  std::ostringstream body_;
  std::map<std::string, json> specs_;
};

bool any_interval(const json& points) {
  for (const auto& p : points)
    if (p.contains("lo")) return true;
  return false;
}

// A mean line per colour, with its 95% CI as a band or error bars where there are two seeds or more.
json mean_chart(const json& points, const json& x, const std::string& y_title, const std::string& title,
                const json& color, const char* interval_mark) {
  json layers = json::array();
  if (any_interval(points))
    layers.push_back({{"mark", {{"type", interval_mark}, {"opacity", std::string(interval_mark) == "area" ? 0.2 : 1.0}}},
                      {"encoding", {{"x", x}, {"y", {{"field", "lo"}, {"type", "quantitative"}, {"title", y_title}}},
                                    {"y2", {{"field", "hi"}}}, {"color", color}}}});
  layers.push_back({{"mark", {{"type", "line"}, {"point", true}}},
                    {"encoding", {{"x", x}, {"y", {{"field", "mean"}, {"type", "quantitative"}, {"title", y_title}}},
                                  {"color", color}}}});
  return {{"title", title}, {"width", 460}, {"height", 280}, {"data", {{"values", points}}}, {"layer", layers}};
}

json band_chart(const json& points, const std::string& x, const std::string& y_title, const std::string& title) {
  return mean_chart(points, {{"field", x}, {"type", "quantitative"}, {"title", x}}, y_title, title,
                    {{"field", "configuration"}, {"type", "nominal"}, {"title", "optimizer"}}, "area");
}

// One heatmap per layer: linear CKA between the optimizers' best models.
void cka_section(Page& page, const json& cka) {
  page.heading(3, "Representation similarity (linear CKA)");
  page.paragraph("Linear CKA between the representations of each optimizer's best model on " +
                 cka["samples"].dump() + " validation samples (1: the same up to rotation and scale).");
  for (const auto& layer : cka["layers"]) {
    json cells = json::array();
    const auto& runs = cka["runs"];
    for (std::size_t i = 0; i < runs.size(); ++i)
      for (std::size_t j = 0; j < runs.size(); ++j)
        cells.push_back({{"a", runs[i]["optimizer"]}, {"b", runs[j]["optimizer"]}, {"cka", layer["matrix"][i][j]}});
    const json a{{"field", "a"}, {"type", "nominal"}, {"title", nullptr}};
    const json b{{"field", "b"}, {"type", "nominal"}, {"title", nullptr}};
    page.chart({{"title", layer["name"]},
                {"data", {{"values", cells}}},
                {"encoding", {{"x", a}, {"y", b}}},
                {"layer",
                 {{{"mark", "rect"},
                   {"encoding", {{"color", {{"field", "cka"}, {"type", "quantitative"},
                                            {"scale", {{"domain", {0, 1}}}}}}}}},
                  {{"mark", "text"},
                   {"encoding", {{"text", {{"field", "cka"}, {"type", "quantitative"}, {"format", ".2f"}}},
                                 {"color", {{"condition", {{"test", "datum.cka > 0.5"}, {"value", "white"}}},
                                            {"value", "black"}}}}}}}}});
  }
}

void experiment_section(Page& page, const json& ex) {
  const std::string metric = ex["primary_metric"];
  page.heading(2, "Experiment " + ex["name"].get<std::string>());
  std::string counts;
  for (const auto& [status, n] : ex["status_counts"].items()) counts += (counts.empty() ? "" : ", ") + n.dump() + " " + status;
  page.paragraph("task " + ex["task"].get<std::string>() + ", dataset " + ex["dataset"].get<std::string>() +
                 ", model " + ex["model"].get<std::string>() + "; primary metric " + metric +
                 (ex["higher_is_better"].get<bool>() ? " (higher is better)" : " (lower is better)") + "; runs: " +
                 counts + ". Numbers are mean ± 95% confidence interval over seeds (Student's t).");

  std::vector<std::vector<std::string>> rows;
  for (const auto& c : ex["configurations"]) {
    std::string problems;
    for (const auto& p : c["not_completed"]) problems += (problems.empty() ? "" : "; ") + p["run_id"].get<std::string>() + " " + p["status"].get<std::string>();
    rows.push_back({c["label"], std::to_string(c["runs"].get<int>()), stats_cell(c["final_metric"]),
                    stats_cell(c["final_train_loss"]), c["best_of_optimizer"].get<bool>() ? "best" : "", problems});
  }
  page.heading(3, "Configurations");
  page.table({"configuration", "seeds", metric + " (test, best checkpoint)", "final training loss", "", "not completed"}, rows);

  page.heading(3, "Curves (each optimizer at its best configuration)");
  page.chart(band_chart(ex["curves"]["train_loss"], "step", "training loss", "Training loss"));
  page.chart(band_chart(ex["curves"]["validation"], "epoch", "validation " + metric, "Validation " + metric));

  page.heading(3, "Time to threshold");
  rows.clear();
  std::vector<std::string> header{"configuration"};
  for (const char* kind : {"time_to_loss", "time_to_metric"})
    for (const auto& c : ex["configurations"]) {
      for (const auto& t : c[kind]) {
        const std::string name = std::string(kind == std::string("time_to_loss") ? "loss ≤ " : metric + " reaches ") + number(t["threshold"]);
        if (std::find(header.begin(), header.end(), name) == header.end()) header.push_back(name);
      }
      break;
    }
  for (const auto& c : ex["configurations"]) {
    std::vector<std::string> row{c["label"]};
    for (const char* kind : {"time_to_loss", "time_to_metric"})
      for (const auto& t : c[kind])
        row.push_back(t["reached"].get<int>() == 0 ? "not reached"
                                                    : stats_cell(t["steps"]) + " steps, " + stats_cell(t["seconds"]) + " s (" +
                                                          t["reached"].dump() + "/" + t["of"].dump() + ")");
    rows.push_back(row);
  }
  if (header.size() > 1) page.table(header, rows);
  else page.paragraph("No thresholds set ([analysis] loss_thresholds, metric_thresholds).");
  page.paragraph("Time to target for the performance profiles: " + metric + " reaches " +
                 number(ex["time_to_target"]["target"]) + ".");

  page.heading(3, "Generalisation gap (best checkpoint)");
  rows.clear();
  for (const auto& c : ex["configurations"]) {
    if (!c["best_of_optimizer"].get<bool>()) continue;
    const auto& g = c["gap"];
    rows.push_back({c["label"], stats_cell(g["train"]), stats_cell(g["validation"]), stats_cell(g["test"]),
                    stats_cell(g["train_minus_validation"]), stats_cell(g["train_minus_test"])});
  }
  page.table({"configuration", "training subset", "validation", "test", "train − validation", "train − test"}, rows);
  page.chart({{"title", "Training subset vs validation " + metric},
              {"width", 460},
              {"height", 280},
              {"data", {{"values", ex["curves"]["gap"]}}},
              {"mark", {{"type", "line"}, {"point", true}}},
              {"encoding", {{"x", {{"field", "epoch"}, {"type", "quantitative"}}},
                            {"y", {{"field", "mean"}, {"type", "quantitative"}, {"title", metric}}},
                            {"color", {{"field", "configuration"}, {"type", "nominal"}, {"title", "optimizer"}}},
                            {"strokeDash", {{"field", "series"}, {"type", "nominal"}, {"title", "split"}}}}}});

  if (!ex["sensitivity"].empty()) {
    page.heading(3, "Hyperparameter sensitivity");
    rows.clear();
    std::map<std::string, json> points_by_parameter;
    for (const auto& s : ex["sensitivity"]) {
      const bool log = s["log_scale"].get<bool>();
      rows.push_back({s["optimizer"], s["parameter"], number(s["best_value"]),
                      s["good_points"].dump() + " of " + s["points_count"].dump(),
                      number(s["good_width"]) + (log ? " decades" : "")});
      for (const auto& p : s["points"]) points_by_parameter[s["parameter"]].push_back(p);
    }
    page.table({"optimizer", "parameter", "best value", "good points (within " +
                number(ex["analysis"].value("good_region", 0.05) * 100) + "% of the best)", "width of the good region"}, rows);
    for (const auto& axis : ex["sweep"]) {
      const std::string parameter = axis["parameter"];
      const json x{{"field", "value"}, {"type", "quantitative"}, {"title", parameter},
                   {"scale", {{"type", axis["log_scale"].get<bool>() ? "log" : "linear"}}}};
      page.chart(mean_chart(points_by_parameter[parameter], x, metric, metric + " against " + parameter,
                            {{"field", "optimizer"}, {"type", "nominal"}}, "rule"));
    }
  }

  rows.clear();
  for (const auto& c : ex["configurations"]) {
    std::vector<std::string> row{c["label"]};
    for (const auto& k : c["hessian_top_eigenvalues"]) row.push_back(stats_cell(k));
    if (row.size() > 1) rows.push_back(row);
  }
  if (!rows.empty()) {
    page.heading(3, "Hessian spectrum at the best checkpoint");
    page.paragraph("Top eigenvalues (largest magnitude first) of the training loss's Hessian, by power iteration "
                   "on Hessian-vector products over fixed training batches.");
    std::vector<std::string> header{"configuration"};
    for (std::size_t k = 1; k < std::max_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
                                  return a.size() < b.size(); })->size(); ++k)
      header.push_back("λ" + std::to_string(k));
    page.table(header, rows);
  }

  if (ex["cka"].is_object()) cka_section(page, ex["cka"]);

  page.heading(3, "Computational efficiency (best configurations)");
  rows.clear();
  json bars = json::array();
  // GPU memory columns only for runs on a GPU (summary.json has no such figure on CPU).
  bool gpu = false;
  for (const auto& c : ex["configurations"])
    gpu = gpu || (c["best_of_optimizer"].get<bool>() && c["efficiency"].value("peak_gpu_allocated_mb", json())["mean"].is_number());
  for (const auto& c : ex["configurations"]) {
    if (!c["best_of_optimizer"].get<bool>()) continue;
    const auto& e = c["efficiency"];
    rows.push_back({c["label"], stats_cell(e["ms_per_step"]), stats_cell(e["forward_backward_ms_per_step"]),
                    stats_cell(e["optimizer_ms_per_step"]), stats_cell(e["samples_per_second"]),
                    stats_cell(e["peak_rss_mb"])});
    if (gpu) {
      rows.back().push_back(stats_cell(e["peak_gpu_allocated_mb"]));
      rows.back().push_back(stats_cell(e["peak_gpu_reserved_mb"]));
    }
    rows.back().push_back(stats_cell(e["optimizer_state_bytes"], 1.0 / (1 << 20)));
    for (const auto& [part, key] : {std::pair{"forward and backward", "forward_backward_ms_per_step"},
                                    std::pair{"optimizer", "optimizer_ms_per_step"}})
      if (e[key]["mean"].is_number()) bars.push_back({{"optimizer", c["label"]}, {"part", part}, {"ms", e[key]["mean"]}});
  }
  std::vector<std::string> columns{"configuration", "ms per step", "forward + backward ms", "optimizer ms",
                                   "samples/s", "peak RSS MB"};
  if (gpu) columns.insert(columns.end(), {"peak GPU MB (tensors)", "peak GPU MB (reserved)"});
  columns.push_back("optimizer state MiB");
  page.table(columns, rows);
  page.chart({{"title", "Milliseconds per step"},
              {"width", 460},
              {"data", {{"values", bars}}},
              {"mark", "bar"},
              {"encoding", {{"y", {{"field", "optimizer"}, {"type", "nominal"}}},
                            {"x", {{"field", "ms"}, {"type", "quantitative"}, {"stack", "zero"}, {"title", "ms per step"}}},
                            {"color", {{"field", "part"}, {"type", "nominal"}}}}}});
}

}  // namespace

fs::path default_report_assets() {
  return host_share_dir() / "report";
}

std::string report_html(const json& analysis, const fs::path& assets_dir) {
  Page page;
  page.heading(1, "optbench report");
  for (const auto& ex : analysis["experiments"]) experiment_section(page, ex);

  const auto& profiles = analysis["performance_profiles"];
  page.heading(2, "Performance profiles across " + profiles["workloads"].dump() + " workload(s)");
  page.paragraph("rho(tau): the fraction of workloads on which an optimizer's best configuration reaches the "
                 "workload's target within tau times the fastest optimizer's training time (AlgoPerf).");
  json points = json::array();
  for (const auto& c : profiles["curves"])
    for (size_t i = 0; i < profiles["taus"].size(); ++i)
      points.push_back({{"optimizer", c["optimizer"]}, {"tau", profiles["taus"][i]}, {"rho", c["rho"][i]}});
  page.chart({{"title", "Performance profiles"},
              {"width", 460},
              {"height", 280},
              {"data", {{"values", points}}},
              {"mark", {{"type", "line"}, {"interpolate", "step-after"}}},
              {"encoding", {{"x", {{"field", "tau"}, {"type", "quantitative"}, {"title", "tau"}}},
                            {"y", {{"field", "rho"}, {"type", "quantitative"}, {"title", "fraction of workloads"},
                                   {"scale", {{"domain", {0, 1}}}}}},
                            {"color", {{"field", "optimizer"}, {"type", "nominal"}}}}}});
  return page.html(assets_dir);
}

}  // namespace optbench::core
