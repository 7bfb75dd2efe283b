#include <gtest/gtest.h>
#include <optbench/params.h>

#include "common/diagnostics.h"

using namespace optbench;

namespace {
ParamSpec number(const std::string& name, Bounds bounds) {
  ParamSpec s;
  s.name = name;
  s.type = ValueType::kDouble;
  s.default_value = 0.5;
  s.bounds = bounds;
  return s;
}
}  // namespace

TEST(Bounds, OpenAndClosedEnds) {
  EXPECT_FALSE(positive.contains(0.0));
  EXPECT_TRUE(positive.contains(1e-300));
  EXPECT_TRUE(non_negative.contains(0.0));
  EXPECT_FALSE(non_negative.contains(-1e-300));
  EXPECT_FALSE(unit_right_open.contains(1.0));
  EXPECT_TRUE(unit_right_open.contains(0.0));
  EXPECT_FALSE(unit_open.contains(std::nan("")));
  EXPECT_EQ(unit_right_open.describe(), "[0, 1)");
  EXPECT_EQ(non_negative.describe(), "[0, inf)");
}

TEST(CheckValue, TypeBoundsChoicesAndLength) {
  EXPECT_EQ(check_value(number("lr", non_negative), Value(-0.1)).value(),
            "value -0.1 is out of range; accepted: [0, inf)");
  EXPECT_EQ(check_value(number("lr", non_negative), Value(std::string("x"))).value(),
            "expected number, got string");
  EXPECT_FALSE(check_value(number("lr", non_negative), Value(0.0)).has_value());

  ParamSpec betas = number("betas", unit_right_open);
  betas.type = ValueType::kDoubleList;
  betas.length = 2;
  EXPECT_EQ(check_value(betas, Value(std::vector<double>{0.9})).value(), "expected 2 elements, got 1");
  EXPECT_EQ(check_value(betas, Value(std::vector<double>{0.9, 1.0})).value(),
            "value 1 is out of range; accepted: [0, 1)");
  EXPECT_FALSE(check_value(betas, Value(std::vector<double>{0.9, 0.999})).has_value());

  ParamSpec scheduler;
  scheduler.name = "scheduler";
  scheduler.type = ValueType::kString;
  scheduler.choices = {"cosine", "none"};
  EXPECT_EQ(check_value(scheduler, Value(std::string("cosin"))).value(),
            "\"cosin\" is not accepted; accepted: \"cosine\", \"none\"");
}

TEST(Schema, RejectsDuplicateAndInvalidDefaults) {
  Schema schema;
  schema.add(number("lr", non_negative));
  EXPECT_THROW(schema.add(number("lr", non_negative)), std::logic_error);
  ParamSpec bad = number("eps", positive);
  bad.default_value = 0.0;
  EXPECT_THROW(schema.add(bad), std::logic_error);
  ParamSpec replaced = number("lr", non_negative);
  replaced.suite_default = 0.1;
  schema.replace(replaced);
  EXPECT_EQ(std::get<double>(*schema.find("lr")->suite_default), 0.1);
}

TEST(Params, IntegersReadAsDoubles) {
  Params p({{"epochs", Value(std::int64_t{3})}, {"lr", Value(0.25)}});
  EXPECT_EQ(p.get<double>("epochs"), 3.0);
  EXPECT_EQ(p.get<std::int64_t>("epochs"), 3);
  EXPECT_THROW(p.get<std::string>("lr"), std::invalid_argument);
  EXPECT_THROW(p.get<double>("missing"), std::out_of_range);
}

TEST(FormatNumber, ShortestRoundTrip) {
  EXPECT_EQ(format_number(10.0), "10");
  EXPECT_EQ(format_number(0.001), "0.001");
  EXPECT_EQ(format_number(1e-8), "1e-08");
  EXPECT_EQ(to_string(Value(10.0)), "10.0");
  EXPECT_EQ(to_string(Value(std::vector<double>{0.9, 0.999})), "[0.9, 0.999]");
  EXPECT_EQ(to_string(Value(std::vector<std::string>{"bias"})), "[\"bias\"]");
}

TEST(DidYouMean, SuggestsTheClosestName) {
  using optbench::core::did_you_mean;
  EXPECT_EQ(did_you_mean("learning_rate", {"lr", "betas", "eps"}), "");
  EXPECT_EQ(did_you_mean("beta", {"lr", "betas", "eps"}), "; did you mean 'betas'?");
  EXPECT_EQ(did_you_mean("epochz", {"epochs", "batch_size"}), "; did you mean 'epochs'?");
  EXPECT_EQ(did_you_mean("zzzzzz", {"epochs", "batch_size"}), "");
}
