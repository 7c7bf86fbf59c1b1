// Which accelerators this process can use. Asked at run time: a machine can have the CUDA
// toolkit and no GPU, and a build can have no CUDA at all; neither is an error.
#pragma once

#include <string>

namespace idg {

struct DeviceInfo {
  bool cuda_built = false;  // this binary contains the CUDA kernels
  int gpu_count = 0;        // devices cudaGetDeviceCount reported (0 when it failed)
  std::string gpu_name;     // name of device 0, empty when none
  std::string note;         // why there is none, when there is none
};

// Safe to call from any thread; the answer is computed once.
const DeviceInfo& QueryDevices();

}  // namespace idg
