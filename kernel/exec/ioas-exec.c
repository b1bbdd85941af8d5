// SPDX-License-Identifier: MIT
/*
 * ioas-exec: the guest side of the ioas-check lab. Runs batches of sequences written by the host, one ioctl per
 * step, and prints per step its return value, errno and the struct fields written back, as JSON lines; after
 * every step it drains /dev/kmsg and prints the kernel's new lines with the sequence and step they followed.
 *
 * Input, one record a line (tokens separated by single spaces):
 *   S <name>                      start a sequence (every fd and buffer of the previous one is released first)
 *   <index> <OP> key=value ...    one step; values are decimal u64, @handle (an fd named by as=), or a name
 *   E                             end of the sequence (answered by {"t":"ack"} once consumed)
 *   D                             end of a batch: prints {"t":"done"} and waits for the next batch (resident mode)
 *   Q                             quit
 *   R <name> tries=N jitter=J [widen=U]
 *                                 a race block, up to its E (widen: the lab's kretprobe busy-waits U us inside
 *                                 the compat attach window, kernel/lab/delay/): lines `P <index> <OP> ...` run on the main thread
 *                                 first, `T<k> <index> <OP> ...` on thread k (up to 4 threads, released
 *                                 together), `A <index> <OP> ...` on the main thread after the join. The block
 *                                 runs N times from scratch (every fd closed between tries); thread k > 0 waits
 *                                 0..J spins, swept over the tries, so that they cover the relative timings. A step
 *                                 with fdret=1 returns an fd (its number is left out of the outcome). Printed:
 *                                 {"t":"race",...} and per distinct outcome {"t":"outcome",...} followed by
 *                                 its first try's steps, sequence `<name>#<k>`, and that try's kmsg lines.
 * Names of groups and devices (g0, dev1, ...) are resolved through /lab/topology, written by the guest's init:
 *   group <name> <path of the group char device>
 *   device <name> <name for VFIO_GROUP_GET_DEVICE_FD> <cdev path or ->
 * Output (JSON lines): {"t":"hello",...} {"t":"topo",...} {"t":"ready"}, then {"t":"seq",...} {"t":"step",...}
 * {"t":"kmsg",...} {"t":"end",...} per sequence, and {"t":"done",...} at the end of a batch.
 * Resident mode: given a terminal (the guest's serial port) as input and output, the executor puts it in raw
 * mode and serves batch after batch until Q; the host keeps the guest alive between batches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#ifdef IOAS_EXEC_TEST_OPS
#include "iommufd_test.h"
#endif

#define MAX_HANDLES 256
#define MAX_ARGS 32
#define MAX_BUFS 256
#define MAX_NAMES 32

struct handle {
	char name[64];
	int fd;
};

struct arg {
	char key[48];
	char val[512];
};

struct buf {
	void *p;
	size_t len;
};

struct name_map {
	char kind[8];
	char name[32];
	char target[128];
	char cdev[128];
};

static struct handle handles[MAX_HANDLES];
static int nhandles;
static struct buf bufs[MAX_BUFS];
static int nbufs;
static struct name_map names[MAX_NAMES];
static int nnames;
/* A step's arguments, out fields and ioctl buffer are per thread: a race block runs steps on several threads. */
static __thread struct arg args[MAX_ARGS];
static __thread int nargs;
/* The handle and buffer tables are shared by a race block's threads. */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static int kmsg_fd = -1;
static FILE *out;
static char cur_seq[128];
static long cur_step = -1;

/* ---- output ---- */

static void json_str(const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static __thread char outbuf[8192];
static __thread size_t outlen;

/* out fields of the current step, accumulated as `"key":"value"` pairs (u64 as decimal strings). */
static void out_u64(const char *key, uint64_t v)
{
	outlen += snprintf(outbuf + outlen, sizeof(outbuf) - outlen, "%s\"%s\":\"%" PRIu64 "\"",
			   outlen ? "," : "", key, v);
}

static void emit_step(const char *op, long ret, int err)
{
	fprintf(out, "{\"t\":\"step\",\"seq\":");
	json_str(cur_seq);
	fprintf(out, ",\"i\":%ld,\"op\":\"%s\",\"ret\":%ld,\"errno\":%d,\"out\":{%s}}\n", cur_step, op, ret, err,
		outbuf);
	fflush(out);
	outlen = 0;
	outbuf[0] = 0;
}

static void emit_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(out, "{\"t\":\"error\",\"seq\":");
	json_str(cur_seq);
	fprintf(out, ",\"i\":%ld,\"message\":", cur_step);
	json_str(msg);
	fprintf(out, "}\n");
	fflush(out);
	outlen = 0;
	outbuf[0] = 0;
}

/*
 * The next /dev/kmsg record not read yet: its text (the part after "<prefix>;", first line only) in `rec`, its
 * level in *level; NULL when there is none.
 */
static char *next_kmsg(char *rec, size_t cap, int *level)
{
	if (kmsg_fd < 0)
		return NULL;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, cap - 1);

		if (n < 0) {
			if (errno == EPIPE) /* overwritten records: keep reading from the next one */
				continue;
			return NULL;
		}
		rec[n] = 0;
		char *msg = strchr(rec, ';');

		if (!msg)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = 0;
		*level = atoi(rec) & 7;
		return msg;
	}
}

/* Every new /dev/kmsg record since the last call, tagged with the sequence and step it followed. */
static void drain_kmsg(void)
{
	char rec[4096];
	char *msg;
	int level;

	while ((msg = next_kmsg(rec, sizeof(rec), &level))) {
		fprintf(out, "{\"t\":\"kmsg\",\"seq\":");
		json_str(cur_seq);
		fprintf(out, ",\"i\":%ld,\"level\":%d,\"line\":", cur_step, level);
		json_str(msg);
		fprintf(out, "}\n");
	}
	fflush(out);
}

/* ---- arguments ---- */

static const char *arg(const char *key)
{
	for (int i = 0; i < nargs; i++)
		if (!strcmp(args[i].key, key))
			return args[i].val;
	return NULL;
}

static bool has(const char *key)
{
	return arg(key) != NULL;
}

static uint64_t u64(const char *key)
{
	const char *v = arg(key);

	return v ? strtoull(v, NULL, 0) : 0;
}

static int handle_fd(const char *name)
{
	int fd = -1;

	pthread_mutex_lock(&table_lock);
	for (int i = 0; i < nhandles; i++)
		if (!strcmp(handles[i].name, name)) {
			fd = handles[i].fd;
			break;
		}
	pthread_mutex_unlock(&table_lock);
	return fd;
}

/* An fd argument: @name of a handle; an unknown handle is a bad fd number on purpose (EBADF, like the model). */
static int fd_arg(const char *key)
{
	const char *v = arg(key);

	if (!v)
		return -1;
	if (v[0] == '@') {
		int fd = handle_fd(v + 1);

		return fd < 0 ? 1000 : fd;
	}
	return (int)strtol(v, NULL, 0);
}

static void set_handle(const char *name, int fd)
{
	pthread_mutex_lock(&table_lock);
	for (int i = 0; i < nhandles; i++)
		if (!strcmp(handles[i].name, name)) {
			handles[i].fd = fd;
			pthread_mutex_unlock(&table_lock);
			return;
		}
	if (nhandles < MAX_HANDLES) {
		snprintf(handles[nhandles].name, sizeof(handles[nhandles].name), "%s", name);
		handles[nhandles++].fd = fd;
	}
	pthread_mutex_unlock(&table_lock);
}

static void drop_handle_fd_locked(int fd)
{
	for (int i = 0; i < nhandles; i++)
		if (handles[i].fd == fd)
			handles[i].fd = -1;
}

static void drop_handle_fd(int fd)
{
	pthread_mutex_lock(&table_lock);
	drop_handle_fd_locked(fd);
	pthread_mutex_unlock(&table_lock);
}

static const struct name_map *lookup(const char *kind, const char *name)
{
	for (int i = 0; i < nnames; i++)
		if (!strcmp(names[i].kind, kind) && !strcmp(names[i].name, name))
			return &names[i];
	return NULL;
}

/*
 * A buffer for user_va/vaddr. A step that names a user VA gets exactly that address, as the selftests do when
 * they map one buffer many times (the kernel derives an automatic IOVA's alignment from it): a buffer already
 * covering [hint, hint + length) is reused, one starting at hint is grown in place, else one is mapped there
 * (MAP_NORESERVE, at least 16 MiB so that later, longer maps of the same VA fit). Without a hint any page-aligned
 * buffer does. The length is capped: a huge length is refused by the kernel's checks before any page is touched.
 */
static void *user_buffer_locked(uint64_t length, uint64_t hint)
{
	size_t len = length == 0 ? 4096 : length > (64ULL << 20) ? (64ULL << 20) : (size_t)length;
	void *p = MAP_FAILED;

	len = (len + 4095) & ~(size_t)4095;
	if (hint && !(hint & 4095)) {
		for (int i = 0; i < nbufs; i++) {
			uintptr_t b = (uintptr_t)bufs[i].p;

			if (hint >= b && hint + len <= b + bufs[i].len)
				return (void *)(uintptr_t)hint;
			if (hint == b) {
				/* Grow in place: pages the kernel pinned keep their own references. */
				p = mmap(bufs[i].p, len, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
				if (p == MAP_FAILED)
					return NULL;
				bufs[i].len = len;
				return p;
			}
		}
		size_t want = len < (16ULL << 20) ? (16ULL << 20) : len;

		p = mmap((void *)(uintptr_t)hint, want, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED) {
			if (nbufs < MAX_BUFS)
				bufs[nbufs++] = (struct buf){ p, want };
			return p;
		}
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);
	if (nbufs < MAX_BUFS)
		bufs[nbufs++] = (struct buf){ p, len };
	return p;
}

static void *user_buffer(uint64_t length, uint64_t hint)
{
	pthread_mutex_lock(&table_lock);
	void *p = user_buffer_locked(length, hint);

	pthread_mutex_unlock(&table_lock);
	return p;
}

/* The iommufd struct-size checks: a step may give size= and trailing=b1,b2,... (bytes after the struct). */
static __thread unsigned char ucmd[512];

static void *ucmd_prepare(size_t struct_size)
{
	memset(ucmd, 0, sizeof(ucmd));
	*(uint32_t *)ucmd = (uint32_t)struct_size;
	return ucmd;
}

static void ucmd_finish(size_t struct_size)
{
	const char *t = arg("trailing");

	if (has("size"))
		*(uint32_t *)ucmd = (uint32_t)u64("size");
	if (t) {
		size_t off = struct_size;

		while (*t && off < sizeof(ucmd)) {
			ucmd[off++] = (unsigned char)strtoul(t, (char **)&t, 0);
			if (*t == ',')
				t++;
		}
	}
}

/* ---- ops ---- */

struct result {
	long ret;
	int err;
};

static struct result done(long r)
{
	return (struct result){ r < 0 ? -1 : r, r < 0 ? errno : 0 };
}

static struct result op_open(void)
{
	const char *path = arg("path"), *group = arg("group"), *device = arg("device");
	const struct name_map *m;
	char buf[160];

	if (group) {
		m = lookup("group", group);
		if (!m)
			return (struct result){ -2, 0 };
		path = m->target;
	} else if (device) {
		m = lookup("device", device);
		if (!m || !strcmp(m->cdev, "-"))
			return (struct result){ -2, 0 };
		path = m->cdev;
	}
	if (!path)
		return (struct result){ -2, 0 };
	snprintf(buf, sizeof(buf), "%s", path);
	int fd = open(buf, O_RDWR | O_CLOEXEC);

	if (fd >= 0 && has("as"))
		set_handle(arg("as"), fd);
	return done(fd);
}

static struct result op_close(void)
{
	int fd = fd_arg("fd");
	/* The close and the handle's drop are one step for a race block's other threads: an open on another
	 * thread may get the same fd number as soon as it is closed. */
	pthread_mutex_lock(&table_lock);
	int r = close(fd);
	int err = errno;

	if (r == 0)
		drop_handle_fd_locked(fd);
	pthread_mutex_unlock(&table_lock);
	errno = err;
	return done(r);
}

static struct result op_pass_fd(void)
{
	/* SCM_RIGHTS gives the receiver a new fd on the same file: a dup in this process. */
	int fd = dup(fd_arg("fd"));

	if (fd >= 0 && has("as"))
		set_handle(arg("as"), fd);
	return done(fd);
}

#define UCMD(type, var) \
	type *var = ucmd_prepare(sizeof(type))

static struct result op_destroy(int fd)
{
	UCMD(struct iommu_destroy, c);
	c->id = (uint32_t)u64("id");
	ucmd_finish(sizeof(*c));
	return done(ioctl(fd, IOMMU_DESTROY, c));
}

static struct result op_ioas_alloc(int fd)
{
	UCMD(struct iommu_ioas_alloc, c);
	c->flags = (uint32_t)u64("flags");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_IOAS_ALLOC, c));

	out_u64("out_ioas_id", c->out_ioas_id);
	return r;
}

static struct result op_vfio_ioas(int fd)
{
	UCMD(struct iommu_vfio_ioas, c);
	c->ioas_id = (uint32_t)u64("ioas_id");
	c->op = (uint16_t)u64("op");
	c->__reserved = (uint16_t)u64("__reserved");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_VFIO_IOAS, c));

	out_u64("ioas_id", c->ioas_id);
	return r;
}

static struct result op_hwpt_alloc(int fd)
{
	UCMD(struct iommu_hwpt_alloc, c);
	c->flags = (uint32_t)u64("flags");
	c->dev_id = (uint32_t)u64("dev_id");
	c->pt_id = (uint32_t)u64("pt_id");
	c->data_type = (uint32_t)u64("data_type");
	c->data_len = (uint32_t)u64("data_len");
	c->data_uptr = u64("data_uptr");
	c->fault_id = (uint32_t)u64("fault_id");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_HWPT_ALLOC, c));

	out_u64("out_hwpt_id", c->out_hwpt_id);
	return r;
}

static struct result op_ioas_map(int fd)
{
	UCMD(struct iommu_ioas_map, c);
	void *va = user_buffer(u64("length"), u64("user_va"));

	if (!va)
		return (struct result){ -3, ENOMEM };
	c->flags = (uint32_t)u64("flags");
	c->ioas_id = (uint32_t)u64("ioas_id");
	c->__reserved = (uint32_t)u64("__reserved");
	c->user_va = (uintptr_t)va;
	c->length = u64("length");
	c->iova = u64("iova");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_IOAS_MAP, c));

	out_u64("iova", c->iova);
	return r;
}

static struct result op_ioas_unmap(int fd)
{
	UCMD(struct iommu_ioas_unmap, c);
	c->ioas_id = (uint32_t)u64("ioas_id");
	c->iova = u64("iova");
	c->length = u64("length");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_IOAS_UNMAP, c));

	out_u64("length", c->length);
	return r;
}

static struct result op_option(int fd)
{
	UCMD(struct iommu_option, c);
	c->option_id = (uint32_t)u64("option_id");
	c->op = (uint16_t)u64("op");
	c->__reserved = (uint16_t)u64("__reserved");
	c->object_id = (uint32_t)u64("object_id");
	c->val64 = u64("val64");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_OPTION, c));

	out_u64("val64", c->val64);
	return r;
}

static struct result op_iova_ranges(int fd)
{
	static struct iommu_iova_range ranges[64];
	UCMD(struct iommu_ioas_iova_ranges, c);
	uint32_t want = (uint32_t)u64("num_iovas");

	memset(ranges, 0, sizeof(ranges));
	c->ioas_id = (uint32_t)u64("ioas_id");
	c->num_iovas = want;
	c->__reserved = (uint32_t)u64("__reserved");
	c->allowed_iovas = has("allowed_iovas") ? u64("allowed_iovas") : (uintptr_t)ranges;
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_IOAS_IOVA_RANGES, c));

	out_u64("num_iovas", c->num_iovas);
	out_u64("out_iova_alignment", c->out_iova_alignment);
	for (uint32_t i = 0; i < want && i < c->num_iovas && i < 64; i++) {
		char k[64];

		snprintf(k, sizeof(k), "allowed_iovas[%u].start", i);
		out_u64(k, ranges[i].start);
		snprintf(k, sizeof(k), "allowed_iovas[%u].last", i);
		out_u64(k, ranges[i].last);
	}
	return r;
}

static struct result op_allow_iovas(int fd)
{
	static struct iommu_iova_range ranges[64];
	UCMD(struct iommu_ioas_allow_iovas, c);
	const char *s = arg("ranges");
	uint32_t n = 0;

	/* ranges=start-last,start-last */
	while (s && *s && n < 64) {
		ranges[n].start = strtoull(s, (char **)&s, 0);
		if (*s == '-')
			s++;
		ranges[n].last = strtoull(s, (char **)&s, 0);
		n++;
		if (*s == ',')
			s++;
	}
	c->ioas_id = (uint32_t)u64("ioas_id");
	c->num_iovas = has("num_iovas") ? (uint32_t)u64("num_iovas") : n;
	c->__reserved = (uint32_t)u64("__reserved");
	c->allowed_iovas = (uintptr_t)ranges;
	ucmd_finish(sizeof(*c));
	return done(ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, c));
}

static struct result op_ioas_copy(int fd)
{
	UCMD(struct iommu_ioas_copy, c);
	c->flags = (uint32_t)u64("flags");
	c->dst_ioas_id = (uint32_t)u64("dst_ioas_id");
	c->src_ioas_id = (uint32_t)u64("src_ioas_id");
	c->length = u64("length");
	c->dst_iova = u64("dst_iova");
	c->src_iova = u64("src_iova");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_IOAS_COPY, c));

	out_u64("dst_iova", c->dst_iova);
	return r;
}

static struct result op_get_hw_info(int fd)
{
	static unsigned char data[4096];
	UCMD(struct iommu_hw_info, c);
	c->flags = (uint32_t)u64("flags");
	c->dev_id = (uint32_t)u64("dev_id");
	c->data_len = has("data_len") ? (uint32_t)u64("data_len") : 0;
	c->data_uptr = c->data_len ? (uintptr_t)data : u64("data_uptr");
	ucmd_finish(sizeof(*c));
	struct result r = done(ioctl(fd, IOMMU_GET_HW_INFO, c));

	out_u64("data_len", c->data_len);
	out_u64("out_data_type", c->out_data_type);
	out_u64("out_capabilities", c->out_capabilities);
	return r;
}

static struct result op_get_info(int fd)
{
	struct {
		struct vfio_iommu_type1_info info;
		unsigned char caps[4096];
	} s;

	memset(&s, 0, sizeof(s));
	s.info.argsz = (uint32_t)u64("argsz");
	struct result r = done(ioctl(fd, VFIO_IOMMU_GET_INFO, &s));

	out_u64("flags", s.info.flags);
	out_u64("argsz", s.info.argsz);
	out_u64("iova_pgsizes", s.info.iova_pgsizes);
	return r;
}

static struct result op_map_dma(int fd)
{
	struct vfio_iommu_type1_dma_map m = { 0 };
	void *va = user_buffer(u64("size"), 0);

	if (!va)
		return (struct result){ -3, ENOMEM };
	m.argsz = (uint32_t)u64("argsz");
	m.flags = (uint32_t)u64("flags");
	m.vaddr = (uintptr_t)va;
	m.iova = u64("iova");
	m.size = u64("size");
	return done(ioctl(fd, VFIO_IOMMU_MAP_DMA, &m));
}

static struct result op_unmap_dma(int fd)
{
	struct vfio_iommu_type1_dma_unmap u = { 0 };

	u.argsz = (uint32_t)u64("argsz");
	u.flags = (uint32_t)u64("flags");
	u.iova = u64("iova");
	u.size = u64("size");
	struct result r = done(ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u));

	out_u64("size", u.size);
	return r;
}

static struct result op_get_device_fd(int fd)
{
	const struct name_map *m = lookup("device", arg("device") ? arg("device") : "");
	/* A device name the lab does not have is still a name: the kernel answers for it (no such device). */
	const char *name = m ? m->target : arg("device") ? arg("device") : "";
	int dfd = ioctl(fd, VFIO_GROUP_GET_DEVICE_FD, name);

	if (dfd >= 0 && has("as"))
		set_handle(arg("as"), dfd);
	return done(dfd);
}

static struct result op_bind(int fd)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };

	b.flags = (uint32_t)u64("flags");
	b.iommufd = fd_arg("iommufd");
	struct result r = done(ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &b));

	out_u64("out_devid", b.out_devid);
	return r;
}

static struct result op_attach(int fd)
{
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a) };

	a.pt_id = (uint32_t)u64("pt_id");
	a.flags = (uint32_t)u64("flags");
	struct result r = done(ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));

	out_u64("pt_id", a.pt_id);
	return r;
}

static struct result op_detach(int fd)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

	d.flags = (uint32_t)u64("flags");
	return done(ioctl(fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d));
}

#ifdef IOAS_EXEC_TEST_OPS
/* The selftest ops (drivers/iommu/iommufd/selftest.c), as tools/testing/selftests/iommu/iommufd_utils.h issues them. */
static struct result test_cmd(int fd, struct iommu_test_cmd *c)
{
	c->size = sizeof(*c);
	return done(ioctl(fd, IOMMU_TEST_CMD, c));
}

static struct result op_test(int fd, const char *op)
{
	struct iommu_test_cmd c;

	memset(&c, 0, sizeof(c));
	c.id = (uint32_t)u64("id");
	if (!strcmp(op, "IOMMU_TEST_OP_MOCK_DOMAIN")) {
		c.op = IOMMU_TEST_OP_MOCK_DOMAIN;
		c.id = (uint32_t)u64("pt_id");
		struct result r = test_cmd(fd, &c);

		out_u64("stdev_id", c.mock_domain.out_stdev_id);
		out_u64("hwpt_id", c.mock_domain.out_hwpt_id);
		out_u64("idev_id", c.mock_domain.out_idev_id);
		return r;
	}
	if (!strcmp(op, "IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE")) {
		c.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE;
		c.id = (uint32_t)u64("stdev_id");
		c.mock_domain_replace.pt_id = (uint32_t)u64("pt_id");
		struct result r = test_cmd(fd, &c);

		out_u64("pt_id", c.mock_domain_replace.pt_id);
		return r;
	}
	if (!strcmp(op, "IOMMU_TEST_OP_CREATE_ACCESS")) {
		c.op = IOMMU_TEST_OP_CREATE_ACCESS;
		c.id = (uint32_t)u64("ioas_id");
		c.create_access.flags = (uint32_t)u64("flags");
		struct result r = test_cmd(fd, &c);

		if (r.ret == 0 && has("as"))
			set_handle(arg("as"), (int)c.create_access.out_access_fd);
		out_u64("access_fd", c.create_access.out_access_fd);
		return r;
	}
	if (!strcmp(op, "IOMMU_TEST_OP_ACCESS_REPLACE_IOAS")) {
		c.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS;
		c.id = (uint32_t)fd_arg("access_fd");
		c.access_replace_ioas.ioas_id = (uint32_t)u64("ioas_id");
		return test_cmd(fd, &c);
	}
	if (!strcmp(op, "IOMMU_TEST_OP_ACCESS_PAGES")) {
		/*
		 * uptr NULL: selftest.c skips its check that the pinned pages are the user's pages at uptr ("For
		 * syzkaller allow uptr to be NULL"). The model does not model page contents, so neither does the lab.
		 */
		c.op = IOMMU_TEST_OP_ACCESS_PAGES;
		c.id = (uint32_t)fd_arg("access_fd");
		c.access_pages.flags = (uint32_t)u64("flags");
		c.access_pages.iova = u64("iova");
		c.access_pages.length = u64("length");
		c.access_pages.uptr = 0;
		struct result r = test_cmd(fd, &c);

		out_u64("access_pages_id", c.access_pages.out_access_pages_id);
		return r;
	}
	if (!strcmp(op, "IOMMU_TEST_OP_ACCESS_RW")) {
		void *va = user_buffer(u64("length"), u64("uptr"));

		c.op = IOMMU_TEST_OP_ACCESS_RW;
		c.id = (uint32_t)fd_arg("access_fd");
		c.access_rw.iova = u64("iova");
		c.access_rw.length = u64("length");
		c.access_rw.uptr = (uintptr_t)va;
		c.access_rw.flags = (uint32_t)u64("flags");
		return test_cmd(fd, &c);
	}
	if (!strcmp(op, "IOMMU_TEST_OP_MD_CHECK_MAP")) {
		c.op = IOMMU_TEST_OP_MD_CHECK_MAP;
		c.check_map.iova = u64("iova");
		c.check_map.length = u64("length");
		c.check_map.uptr = has("uptr") ? (uintptr_t)user_buffer(u64("length"), u64("uptr")) : 0;
		return test_cmd(fd, &c);
	}
	if (!strcmp(op, "IOMMU_TEST_OP_DESTROY_ACCESS_PAGES")) {
		c.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES;
		c.id = (uint32_t)fd_arg("access_fd");
		c.destroy_access_pages.access_pages_id = (uint32_t)u64("access_pages_id");
		return test_cmd(fd, &c);
	}
	if (!strcmp(op, "IOMMU_TEST_OP_ADD_RESERVED")) {
		c.op = IOMMU_TEST_OP_ADD_RESERVED;
		c.id = (uint32_t)u64("ioas_id");
		c.add_reserved.start = u64("start");
		c.add_reserved.length = u64("length");
		return test_cmd(fd, &c);
	}
	return (struct result){ -2, 0 };
}
#endif

/* Runs one step; ret -2 is "this executor cannot express the step" (reported as an error, not a result). */
static struct result run_op(const char *op)
{
	int fd = fd_arg("fd");

	if (!strcmp(op, "open"))
		return op_open();
	if (!strcmp(op, "close"))
		return op_close();
	if (!strcmp(op, "pass_fd"))
		return op_pass_fd();
	if (!strcmp(op, "IOMMU_DESTROY"))
		return op_destroy(fd);
	if (!strcmp(op, "IOMMU_IOAS_ALLOC"))
		return op_ioas_alloc(fd);
	if (!strcmp(op, "IOMMU_VFIO_IOAS"))
		return op_vfio_ioas(fd);
	if (!strcmp(op, "IOMMU_HWPT_ALLOC"))
		return op_hwpt_alloc(fd);
	if (!strcmp(op, "IOMMU_IOAS_MAP"))
		return op_ioas_map(fd);
	if (!strcmp(op, "IOMMU_IOAS_UNMAP"))
		return op_ioas_unmap(fd);
	if (!strcmp(op, "IOMMU_OPTION"))
		return op_option(fd);
	if (!strcmp(op, "IOMMU_IOAS_IOVA_RANGES"))
		return op_iova_ranges(fd);
	if (!strcmp(op, "IOMMU_IOAS_ALLOW_IOVAS"))
		return op_allow_iovas(fd);
	if (!strcmp(op, "IOMMU_IOAS_COPY"))
		return op_ioas_copy(fd);
	if (!strcmp(op, "IOMMU_GET_HW_INFO"))
		return op_get_hw_info(fd);
	if (!strcmp(op, "VFIO_GET_API_VERSION"))
		return done(ioctl(fd, VFIO_GET_API_VERSION));
	if (!strcmp(op, "VFIO_CHECK_EXTENSION"))
		return done(ioctl(fd, VFIO_CHECK_EXTENSION, (unsigned long)u64("ext")));
	if (!strcmp(op, "VFIO_SET_IOMMU"))
		return done(ioctl(fd, VFIO_SET_IOMMU, (unsigned long)u64("type")));
	if (!strcmp(op, "VFIO_IOMMU_GET_INFO"))
		return op_get_info(fd);
	if (!strcmp(op, "VFIO_IOMMU_MAP_DMA"))
		return op_map_dma(fd);
	if (!strcmp(op, "VFIO_IOMMU_UNMAP_DMA"))
		return op_unmap_dma(fd);
	if (!strcmp(op, "VFIO_GROUP_SET_CONTAINER")) {
		int cfd = fd_arg("container_fd");

		return done(ioctl(fd, VFIO_GROUP_SET_CONTAINER, &cfd));
	}
	if (!strcmp(op, "VFIO_GROUP_UNSET_CONTAINER"))
		return done(ioctl(fd, VFIO_GROUP_UNSET_CONTAINER));
	if (!strcmp(op, "VFIO_GROUP_GET_DEVICE_FD"))
		return op_get_device_fd(fd);
	if (!strcmp(op, "VFIO_DEVICE_BIND_IOMMUFD"))
		return op_bind(fd);
	if (!strcmp(op, "VFIO_DEVICE_ATTACH_IOMMUFD_PT"))
		return op_attach(fd);
	if (!strcmp(op, "VFIO_DEVICE_DETACH_IOMMUFD_PT"))
		return op_detach(fd);
#ifdef IOAS_EXEC_TEST_OPS
	if (!strncmp(op, "IOMMU_TEST_OP_", 14))
		return op_test(fd, op);
#endif
	return (struct result){ -2, 0 };
}

/* ---- sequences ---- */

/* Closes every fd the sequence still holds, in the order they were opened, then frees its buffers. */
static void end_sequence_quiet(void)
{
	for (int i = 0; i < nhandles; i++) {
		if (handles[i].fd < 0)
			continue;
		int fd = handles[i].fd;

		close(fd);
		drop_handle_fd(fd);
	}
	nhandles = 0;
	for (int i = 0; i < nbufs; i++)
		munmap(bufs[i].p, bufs[i].len);
	nbufs = 0;
}

static void end_sequence(void)
{
	end_sequence_quiet();
	drain_kmsg();
}

static void load_topology(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && nnames < MAX_NAMES) {
		struct name_map *m = &names[nnames];

		strcpy(m->cdev, "-");
		if (sscanf(line, "group %31s %127s", m->name, m->target) == 2) {
			strcpy(m->kind, "group");
			nnames++;
		} else if (sscanf(line, "device %31s %127s %127s", m->name, m->target, m->cdev) >= 2) {
			strcpy(m->kind, "device");
			nnames++;
		}
	}
	fclose(f);
}

static void parse_args(char *rest)
{
	nargs = 0;
	char *save = NULL;

	/* strtok_r: a race block's threads parse their steps at the same time. */
	for (char *tok = strtok_r(rest, " \n", &save); tok && nargs < MAX_ARGS; tok = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = 0;
		snprintf(args[nargs].key, sizeof(args[nargs].key), "%s", tok);
		snprintf(args[nargs].val, sizeof(args[nargs].val), "%s", eq + 1);
		nargs++;
	}
}

/* ---- race blocks ---- */

#define MAX_RACE_LINES 64
#define MAX_THREADS 4
#define MAX_OUTCOMES 32
#define KMSG_KEEP 24

struct race_line {
	char where; /* 'P' before the threads, 'T' on thread `thread`, 'A' after the join */
	int thread;
	long index;
	char op[64];
	char rest[1024];
	/* this try's result */
	long ret;
	int err;
	char out[512];
};

struct outcome {
	char sig[2048];
	long count;
	long first_try;
	/* the first try's results, and its kmsg lines */
	struct race_line lines[MAX_RACE_LINES];
	char kmsg[KMSG_KEEP][400];
	int nkmsg;
};

static struct race_line race_lines[MAX_RACE_LINES];
static int nrace_lines;
static struct outcome outcomes[MAX_OUTCOMES];
static int noutcomes;
static volatile int race_ready;
static volatile int race_go;
static long race_spin[MAX_THREADS];
static char try_kmsg[KMSG_KEEP][400];
static int ntry_kmsg;

static void run_race_line(struct race_line *l)
{
	char rest[sizeof(l->rest)];

	snprintf(rest, sizeof(rest), "%s", l->rest);
	parse_args(rest);
	outlen = 0;
	outbuf[0] = 0;
	struct result r = run_op(l->op);

	l->ret = r.ret;
	l->err = r.err;
	snprintf(l->out, sizeof(l->out), "%s", outbuf);
	outlen = 0;
	outbuf[0] = 0;
}

static void *race_thread(void *p)
{
	int k = (int)(intptr_t)p;

	__atomic_add_fetch(&race_ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&race_go, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	for (long i = 0; i < race_spin[k]; i++)
		__asm__ volatile("pause");
	for (int i = 0; i < nrace_lines; i++)
		if (race_lines[i].where == 'T' && race_lines[i].thread == k)
			run_race_line(&race_lines[i]);
	return NULL;
}

/* This try's kmsg records: the first KMSG_KEEP are kept (printed for an outcome's first try), the rest read and
 * dropped. */
static void race_kmsg(void)
{
	char rec[4096];
	char *msg;
	int level;

	while ((msg = next_kmsg(rec, sizeof(rec), &level))) {
		if (ntry_kmsg < KMSG_KEEP)
			snprintf(try_kmsg[ntry_kmsg++], sizeof(try_kmsg[0]), "%s", msg);
	}
}

#define DELAY_PARAM "/sys/module/ioas_lab_delay/parameters/delay_us"

/* kernel race --widen-us: the lab's kretprobe delay inside the compat attach window (0 turns it off). */
static bool set_widen(long us)
{
	FILE *f = fopen(DELAY_PARAM, "w");

	if (!f)
		return false;
	fprintf(f, "%ld\n", us);
	return fclose(f) == 0;
}

static void run_race(const char *name, long tries, long jitter, long widen)
{
	int nthreads = 0;
	long unclassified = 0;

	if (widen && !set_widen(widen)) {
		emit_error("race %s: widen=%ld needs the ioas_lab_delay module (%s): the debian lab only", name, widen,
			   DELAY_PARAM);
		return;
	}

	for (int i = 0; i < nrace_lines; i++)
		if (race_lines[i].where == 'T' && race_lines[i].thread + 1 > nthreads)
			nthreads = race_lines[i].thread + 1;
	noutcomes = 0;
	drain_kmsg();
	for (long t = 0; t < tries; t++) {
		pthread_t th[MAX_THREADS];
		char sig[2048];
		size_t sl = 0;

		for (int i = 0; i < nrace_lines; i++)
			if (race_lines[i].where == 'P')
				run_race_line(&race_lines[i]);
		/*
		 * Sweep the relative start: thread k > 0 waits a number of spins in [0, jitter], spread evenly over
		 * the range by Fibonacci hashing of (try, k), so that every stretch of tries covers every delay.
		 */
		for (int k = 0; k < nthreads; k++)
			race_spin[k] = k == 0 ? 0 :
				(long)(((uint64_t)(t * MAX_THREADS + k) * 11400714819323198485ULL >> 32) %
				       ((uint64_t)jitter + 1));
		__atomic_store_n(&race_ready, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&race_go, 0, __ATOMIC_SEQ_CST);
		for (int k = 0; k < nthreads; k++)
			pthread_create(&th[k], NULL, race_thread, (void *)(intptr_t)k);
		while (__atomic_load_n(&race_ready, __ATOMIC_SEQ_CST) < nthreads)
			__asm__ volatile("pause");
		__atomic_store_n(&race_go, 1, __ATOMIC_RELEASE);
		for (int k = 0; k < nthreads; k++)
			pthread_join(th[k], NULL);
		for (int i = 0; i < nrace_lines; i++)
			if (race_lines[i].where == 'A')
				run_race_line(&race_lines[i]);
		ntry_kmsg = 0;
		end_sequence_quiet();
		race_kmsg();
		for (int i = 0; i < nrace_lines && sl < sizeof(sig) - 1; i++) {
			struct race_line *l = &race_lines[i];
			bool fd = strstr(l->rest, "fdret=1") != NULL && l->ret >= 0;

			sl += snprintf(sig + sl, sizeof(sig) - sl, "%ld:%s%ld/%d{%s};", l->index, fd ? "fd" : "",
				       fd ? 0 : l->ret, l->err, l->out);
		}
		sig[sizeof(sig) - 1] = 0;
		int k;

		for (k = 0; k < noutcomes; k++)
			if (!strcmp(outcomes[k].sig, sig))
				break;
		if (k == noutcomes) {
			if (noutcomes == MAX_OUTCOMES) {
				unclassified++;
				continue;
			}
			struct outcome *o = &outcomes[noutcomes++];

			snprintf(o->sig, sizeof(o->sig), "%s", sig);
			o->count = 0;
			o->first_try = t;
			memcpy(o->lines, race_lines, sizeof(race_lines));
			memcpy(o->kmsg, try_kmsg, sizeof(try_kmsg));
			o->nkmsg = ntry_kmsg;
		}
		outcomes[k].count++;
	}
	if (widen)
		set_widen(0);
	fprintf(out, "{\"t\":\"race\",\"seq\":");
	json_str(name);
	fprintf(out, ",\"tries\":%ld,\"threads\":%d,\"jitter\":%ld,\"widen\":%ld,\"outcomes\":%d,\"unclassified\":%ld}\n",
		tries, nthreads, jitter, widen, noutcomes, unclassified);
	for (int k = 0; k < noutcomes; k++) {
		struct outcome *o = &outcomes[k];

		snprintf(cur_seq, sizeof(cur_seq), "%.100s#%d", name, k);
		fprintf(out, "{\"t\":\"outcome\",\"seq\":");
		json_str(cur_seq);
		fprintf(out, ",\"race\":");
		json_str(name);
		fprintf(out, ",\"k\":%d,\"count\":%ld,\"first_try\":%ld}\n", k, o->count, o->first_try);
		for (int i = 0; i < nrace_lines; i++) {
			struct race_line *l = &o->lines[i];

			cur_step = l->index;
			snprintf(outbuf, sizeof(outbuf), "%s", l->out);
			if (l->ret == -2)
				emit_error("%s: not expressible on this lab", l->op);
			else
				emit_step(l->op, l->ret, l->err);
		}
		cur_step = -1;
		for (int i = 0; i < o->nkmsg; i++) {
			fprintf(out, "{\"t\":\"kmsg\",\"seq\":");
			json_str(cur_seq);
			fprintf(out, ",\"i\":-1,\"level\":4,\"line\":");
			json_str(o->kmsg[i]);
			fprintf(out, "}\n");
		}
		fprintf(out, "{\"t\":\"end\",\"seq\":");
		json_str(cur_seq);
		fprintf(out, "}\n");
	}
	fflush(out);
}

static bool add_race_line(const char *line)
{
	struct race_line *l;
	int n = 0;
	char where = line[0];

	if (nrace_lines == MAX_RACE_LINES || (where != 'P' && where != 'T' && where != 'A'))
		return false;
	l = &race_lines[nrace_lines];
	memset(l, 0, sizeof(*l));
	l->where = where;
	l->thread = where == 'T' ? atoi(line + 1) : -1;
	if (l->thread >= MAX_THREADS)
		return false;
	line = strchr(line, ' ');
	if (!line || sscanf(line, " %ld %63s %n", &l->index, l->op, &n) < 2)
		return false;
	snprintf(l->rest, sizeof(l->rest), "%s", line + n);
	nrace_lines++;
	return true;
}

/*
 * Resident mode's flow control: a serial port has none here, and the kernel drops what arrives while its tty
 * buffers are full, so the host keeps only a few units (a sequence or a race block, each ended by E) in flight
 * and sends the next one when this line says one was consumed.
 */
static void ack(void)
{
	fprintf(out, "{\"t\":\"ack\"}\n");
	fflush(out);
}

/* Resident mode: the serial port carries bytes as they are (no echo, no line editing, no CR/LF mapping). */
static void raw_tty(FILE *f)
{
	struct termios t;

	if (!isatty(fileno(f)) || tcgetattr(fileno(f), &t))
		return;
	cfmakeraw(&t);
	tcsetattr(fileno(f), TCSANOW, &t);
}

int main(int argc, char **argv)
{
	const char *input = argc > 1 ? argv[1] : "-";
	const char *output = argc > 2 ? argv[2] : "-";
	FILE *in = strcmp(input, "-") ? fopen(input, "r") : stdin;
	static char line[8192];
	static char race_name[128];
	long race_tries = 0, race_jitter = 0, race_widen = 0;
	int sequences = 0;

	out = strcmp(output, "-") ? fopen(output, "w") : stdout;
	if (!in || !out) {
		fprintf(stderr, "ioas-exec: cannot open %s\n", !in ? input : output);
		return 2;
	}
	raw_tty(in);
	load_topology(getenv("IOAS_LAB_TOPOLOGY") ? getenv("IOAS_LAB_TOPOLOGY") : "/lab/topology");
	{
		struct utsname u;

		uname(&u);
		fprintf(out, "{\"t\":\"hello\",\"release\":");
		json_str(u.release);
		fprintf(out, "}\n");
		for (int i = 0; i < nnames; i++) {
			fprintf(out, "{\"t\":\"topo\",\"kind\":\"%s\",\"name\":", names[i].kind);
			json_str(names[i].name);
			fprintf(out, ",\"target\":");
			json_str(names[i].target);
			fprintf(out, ",\"cdev\":");
			json_str(names[i].cdev);
			fprintf(out, "}\n");
		}
	}
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	/* The host sends nothing before this line: bytes that reach the serial port before it is open are lost. */
	fprintf(out, "{\"t\":\"ready\"}\n");
	fflush(out);
	while (fgets(line, sizeof(line), in)) {
		char op[64];
		long idx;
		int n = 0;

		if (race_name[0]) {
			if (line[0] == 'E') {
				run_race(race_name, race_tries, race_jitter, race_widen);
				race_name[0] = 0;
				sequences++;
				ack();
			} else if (!add_race_line(line)) {
				emit_error("race %s: bad line (or too many): %.200s", race_name, line);
			}
			continue;
		}
		if (line[0] == 'R' && line[1] == ' ') {
			char *rest = line + 2;
			char *sp = strchr(rest, ' ');

			end_sequence();
			if (sp)
				*sp = 0;
			snprintf(race_name, sizeof(race_name), "%.100s", rest);
			race_name[strcspn(race_name, "\n")] = 0;
			parse_args(sp ? sp + 1 : (char *)"");
			race_tries = has("tries") ? (long)u64("tries") : 1000;
			race_jitter = has("jitter") ? (long)u64("jitter") : 0;
			race_widen = has("widen") ? (long)u64("widen") : 0;
			nrace_lines = 0;
			snprintf(cur_seq, sizeof(cur_seq), "%s", race_name);
			continue;
		}
		if (line[0] == 'D' && (line[1] == '\n' || line[1] == 0)) {
			end_sequence();
			fprintf(out, "{\"t\":\"done\",\"sequences\":%d}\n", sequences);
			fflush(out);
			sequences = 0;
			continue;
		}
		if (line[0] == 'Q' && (line[1] == '\n' || line[1] == 0))
			break;

		if (line[0] == 'S' && line[1] == ' ') {
			end_sequence();
			snprintf(cur_seq, sizeof(cur_seq), "%.127s", line + 2);
			cur_seq[strcspn(cur_seq, "\n")] = 0;
			cur_step = -1;
			fprintf(out, "{\"t\":\"seq\",\"seq\":");
			json_str(cur_seq);
			fprintf(out, "}\n");
			continue;
		}
		if (line[0] == 'E') {
			cur_step = -1;
			end_sequence();
			fprintf(out, "{\"t\":\"end\",\"seq\":");
			json_str(cur_seq);
			fprintf(out, "}\n");
			fflush(out);
			sequences++;
			ack();
			continue;
		}
		if (sscanf(line, "%ld %63s %n", &idx, op, &n) < 2)
			continue;
		cur_step = idx;
		parse_args(line + n);
		struct result r = run_op(op);

		if (r.ret == -2)
			emit_error("%s: not expressible on this lab (unknown op, or a name the lab topology lacks)", op);
		else
			emit_step(op, r.ret, r.err);
		drain_kmsg();
	}
	end_sequence();
	fprintf(out, "{\"t\":\"done\",\"sequences\":%d}\n", sequences);
	fflush(out);
	return 0;
}
