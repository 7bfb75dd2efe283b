// Services the host offers to plugins' factories (a plugin never includes core headers).
#pragma once

#include <optbench/optimizer.h>
#include <optbench/params.h>

#include <memory>
#include <string>
#include <vector>

namespace optbench {
inline namespace v1 {

enum class LogLevel { kDebug, kInfo, kWarning };

class HostServices {
 public:
  virtual ~HostServices() = default;
  // Builds an optimizer over `groups` exactly as the host builds one for a run
  // (group lr and weight decay from its parameters), e.g. SAM's base optimizer.
  virtual std::shared_ptr<Optimizer> make_optimizer(const ComponentRef& ref,
                                                    std::vector<ParamGroup> groups) const = 0;
  // Logs through the host's logger (a plugin's own spdlog registry would be separate).
  virtual void log(LogLevel level, const std::string& message) const = 0;
};

}  // namespace v1
}  // namespace optbench
