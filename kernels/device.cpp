#include "kernels/device.h"

#include "kernels/cuda/cuda_device.h"

namespace idg {

const DeviceInfo& QueryDevices() {
  static const DeviceInfo info = [] {
    DeviceInfo d;
#ifdef IDG_HAVE_CUDA
    d.cuda_built = true;
    detail::CudaDeviceQuery q = detail::QueryCudaDevices();
    d.gpu_count = q.count;
    d.gpu_name = q.name;
    d.note = q.error;
#else
    d.note = "built without CUDA";
#endif
    return d;
  }();
  return info;
}

}  // namespace idg
