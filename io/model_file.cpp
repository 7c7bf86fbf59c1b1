#include "io/model_file.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "base/error.h"

namespace idg {
namespace {

std::string Json(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::vector<double> Numbers(simdjson::dom::element e, const std::string& what) {
  simdjson::dom::array arr;
  IDG_REQUIRE(e.get_array().get(arr) == simdjson::SUCCESS, what + ": expected an array of numbers");
  std::vector<double> out;
  for (simdjson::dom::element x : arr) {
    double v = 0;
    IDG_REQUIRE(x.get_double().get(v) == simdjson::SUCCESS, what + ": expected numbers");
    out.push_back(v);
  }
  return out;
}

}  // namespace

void SaveModel(const std::string& path, const FellegiSunterModel& model) {
  std::string o = "{\n  \"format\": \"idgraph-fellegi-sunter-1\",\n  \"prior\": " + Num(model.prior) +
                  ",\n  \"comparisons\": [";
  for (size_t k = 0; k < model.comparisons.size(); ++k) {
    const ComparisonModel& c = model.comparisons[k];
    o += k ? ",\n    {" : "\n    {";
    o += "\"name\": " + Json(c.name) + ", \"levels\": [";
    for (size_t l = 0; l < c.levels.size(); ++l) o += (l ? ", " : "") + Json(c.levels[l]);
    o += "], \"m\": [";
    for (size_t l = 0; l < c.m.size(); ++l) o += (l ? ", " : "") + Num(c.m[l]);
    o += "], \"u\": [";
    for (size_t l = 0; l < c.u.size(); ++l) o += (l ? ", " : "") + Num(c.u[l]);
    o += "]}";
  }
  o += "\n  ]\n}\n";
  std::ofstream out(path, std::ios::binary);
  out << o;
  IDG_REQUIRE(out.good(), path + ": cannot write the model");
}

FellegiSunterModel LoadModel(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto err = parser.load(path).get(doc);
  IDG_REQUIRE(err == simdjson::SUCCESS,
              path + ": cannot read the model: " + simdjson::error_message(err));
  std::string_view format;
  IDG_REQUIRE(doc["format"].get_string().get(format) == simdjson::SUCCESS &&
                  format == "idgraph-fellegi-sunter-1",
              path + ": not an idgraph model (format \"idgraph-fellegi-sunter-1\" expected)");
  FellegiSunterModel m;
  IDG_REQUIRE(doc["prior"].get_double().get(m.prior) == simdjson::SUCCESS && m.prior > 0 &&
                  m.prior < 1,
              path + ": prior: expected a probability between 0 and 1");
  simdjson::dom::array comps;
  IDG_REQUIRE(doc["comparisons"].get_array().get(comps) == simdjson::SUCCESS,
              path + ": comparisons: expected an array");
  for (simdjson::dom::element c : comps) {
    ComparisonModel cm;
    std::string_view name;
    IDG_REQUIRE(c["name"].get_string().get(name) == simdjson::SUCCESS,
                path + ": a comparison without a name");
    cm.name = std::string(name);
    const std::string where = path + ": comparison '" + cm.name + "'";
    simdjson::dom::array levels;
    IDG_REQUIRE(c["levels"].get_array().get(levels) == simdjson::SUCCESS, where + ": levels: expected an array");
    for (simdjson::dom::element l : levels) {
      std::string_view s;
      IDG_REQUIRE(l.get_string().get(s) == simdjson::SUCCESS, where + ": levels: expected strings");
      cm.levels.emplace_back(s);
    }
    cm.m = Numbers(c["m"], where + ": m");
    cm.u = Numbers(c["u"], where + ": u");
    IDG_REQUIRE(cm.m.size() == cm.levels.size() && cm.u.size() == cm.levels.size(),
                where + ": m and u need one value per level");
    for (const auto* p : {&cm.m, &cm.u}) {
      double sum = 0;
      for (double v : *p) {
        IDG_REQUIRE(v > 0 && v <= 1, where + ": m and u values must lie in (0, 1]");
        sum += v;
      }
      IDG_REQUIRE(std::abs(sum - 1) < 1e-6, where + ": m and u must each sum to 1");
    }
    m.comparisons.push_back(std::move(cm));
  }
  IDG_REQUIRE(!m.comparisons.empty(), path + ": the model has no comparisons");
  return m;
}

std::string ModelText(const FellegiSunterModel& model) {
  std::string o;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-16s %-26s %10s %10s %9s\n", "comparison", "level", "m", "u",
                "weight");
  o += buf;
  for (size_t k = 0; k < model.comparisons.size(); ++k) {
    const ComparisonModel& c = model.comparisons[k];
    for (size_t l = 0; l < c.levels.size(); ++l) {
      std::snprintf(buf, sizeof buf, "%-16s %-26s %10.6f %10.6f %+9.2f\n",
                    l == 0 ? c.name.c_str() : "", c.levels[l].c_str(), c.m[l], c.u[l],
                    double(model.Weight(k, static_cast<uint8_t>(l))) / kWeightOne);
      o += buf;
    }
  }
  std::snprintf(buf, sizeof buf, "prior (share of blocked pairs that match): %.6g = %+.2f bits\n",
                model.prior, std::log2(model.prior / (1 - model.prior)));
  o += buf;
  o += "weights are log2(m/u); a missing value weighs 0\n";
  return o;
}

}  // namespace idg
