// Host-side declarations of the CUDA object library; compiled only with IDG_HAVE_CUDA.
#pragma once

#include <string>

namespace idg::detail {

struct CudaDeviceQuery {
  int count = 0;
  std::string name;   // device 0
  std::string error;  // cudaGetErrorString of a failed query; empty on success
};

CudaDeviceQuery QueryCudaDevices();

}  // namespace idg::detail
