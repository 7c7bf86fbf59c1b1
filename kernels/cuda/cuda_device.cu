#include <cuda_runtime.h>

#include "kernels/cuda/cuda_device.h"

namespace idg::detail {

CudaDeviceQuery QueryCudaDevices() {
  CudaDeviceQuery q;
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    // No driver or no device: the CPU path runs; clear the sticky error state.
    q.error = cudaGetErrorString(err);
    cudaGetLastError();
    return q;
  }
  q.count = n;
  if (n > 0) {
    cudaDeviceProp prop{};
    err = cudaGetDeviceProperties(&prop, 0);
    if (err == cudaSuccess) {
      q.name = prop.name;
    } else {
      q.error = cudaGetErrorString(err);
    }
  } else {
    q.error = "no CUDA device found";
  }
  return q;
}

}  // namespace idg::detail
