// SPDX-License-Identifier: GPL-2.0
/*
 * ioas_lab_delay: widens the compat attach's window on the lab's debian kernel, for `ioas-check kernel race
 * --widen-us N`. vfio_iommufd_compat_attach_ioas() (drivers/vfio/iommufd.c) reads the compat IOAS id with
 * iommufd_vfio_compat_ioas_get_id(), which drops its reference before returning, and attaches by that id later;
 * the review's ABA lives between the two. A kretprobe on iommufd_vfio_compat_ioas_get_id() busy-waits delay_us
 * microseconds on its return, inside that window, so that a concurrent IOMMU_DESTROY + IOMMU_IOAS_ALLOC can land
 * there on a software-emulated machine. It changes timing only, never a result. delay_us=0 (the default) is a
 * no-op; the module is loaded in every debian boot and touched only by race blocks that ask for it.
 */
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static unsigned int delay_us;
module_param(delay_us, uint, 0644);
MODULE_PARM_DESC(delay_us, "busy-wait on return from iommufd_vfio_compat_ioas_get_id(), in microseconds");

static int on_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned int us = READ_ONCE(delay_us);

	if (us) {
		mdelay(us / 1000);
		udelay(us % 1000);
	}
	return 0;
}

static struct kretprobe probe = {
	.handler = on_return,
	.kp.symbol_name = "iommufd_vfio_compat_ioas_get_id",
	.maxactive = 8,
};

static int __init ioas_lab_delay_init(void)
{
	return register_kretprobe(&probe);
}

static void __exit ioas_lab_delay_exit(void)
{
	unregister_kretprobe(&probe);
}

module_init(ioas_lab_delay_init);
module_exit(ioas_lab_delay_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ioas-check lab: a delay inside the compat attach window");
