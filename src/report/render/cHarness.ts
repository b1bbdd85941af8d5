// The fixed C around a reproducer's steps: kselftest exit codes, TAP output, and one check per kind of answer.
// Helpers are `static inline` (as in kselftest.h) so that a program using only some of them builds with -Werror.

export const C_HARNESS = `#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

static int step_failed;
static int failures;

/* The model says the call succeeds and returns exactly want. */
static inline void expect_ret(long ret, int err, long want)
{
	if (ret == want)
		return;
	if (ret == -1)
		printf("#   failed with %s, model: returns %ld\\n", strerror(err), want);
	else
		printf("#   returned %ld, model: returns %ld\\n", ret, want);
	step_failed = 1;
}

/* The model says the call fails with errno want (named want_name). */
static inline void expect_errno(long ret, int err, int want, const char *want_name)
{
	if (ret == -1 && err == want)
		return;
	if (ret == -1)
		printf("#   failed with %s, model: %s\\n", strerror(err), want_name);
	else
		printf("#   returned %ld, model: fails with %s\\n", ret, want_name);
	step_failed = 1;
}

/*
 * open() and dup() succeed with some fd: the model numbers fds per process (lowest free from 3), and this
 * program runs every actor in one process, so only success is checked.
 */
static inline void expect_fd(long ret, int err)
{
	if (ret >= 0)
		return;
	printf("#   failed with %s, model: returns an fd\\n", strerror(err));
	step_failed = 1;
}

/* A field the kernel writes back. */
static inline void expect_field(const char *field, unsigned long long got, unsigned long long want)
{
	if (got == want)
		return;
	printf("#   %s = %llu, model: %llu\\n", field, got, want);
	step_failed = 1;
}

static inline void end_step(int step, const char *what)
{
	printf("%sok %d - %s\\n", step_failed ? "not " : "", step + 1, what);
	failures += step_failed;
	step_failed = 0;
}

/*
 * /dev/vfio/vfio is an iommufd only with CONFIG_IOMMUFD_VFIO_CONTAINER; the legacy container refuses
 * IOMMU_VFIO_IOAS, while a fresh iommufd has no compat IOAS yet and answers GET with ENODEV.
 */
static inline int vfio_container_is_iommufd(void)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_VFIO_IOAS_GET,
	};
	int fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return 0;
	ok = ioctl(fd, IOMMU_VFIO_IOAS, &cmd) == -1 && errno == ENODEV;
	close(fd);
	return ok;
}

/*
 * The machine's devices, given as name=<PCI address or mdev UUID> arguments (or IOAS_DEV_<name> in the
 * environment), resolved through sysfs as the kselftest harness would: a group is the IOMMU group of one of its
 * devices (/dev/vfio/N, or /dev/vfio/noiommu-N), a cdev the device's vfio-dev/vfioX.
 */
static int arg_count;
static char **arg_values;

static inline const char *device_arg(const char *name)
{
	size_t n = strlen(name);
	char env[128];

	for (int i = 1; i < arg_count; i++)
		if (!strncmp(arg_values[i], name, n) && arg_values[i][n] == '=')
			return arg_values[i] + n + 1;
	snprintf(env, sizeof(env), "IOAS_DEV_%s", name);
	return getenv(env);
}

static inline int device_sysfs(const char *name, char *dir, size_t len)
{
	const char *dev = device_arg(name);

	if (!dev)
		return -1;
	snprintf(dir, len, "/sys/bus/pci/devices/%s", dev);
	if (access(dir, F_OK) == 0)
		return 0;
	snprintf(dir, len, "/sys/bus/mdev/devices/%s", dev);
	return access(dir, F_OK);
}

/* /dev/vfio/N (or noiommu-N) of the named device's IOMMU group; a path that cannot exist when unresolved. */
static inline const char *group_path(const char *name)
{
	static char path[8][96];
	static int next;
	char dir[256], link[512], *base = path[next++ % 8];
	ssize_t n;

	strcpy(base, "/nonexistent/group");
	if (device_sysfs(name, dir, sizeof(dir)))
		return base;
	strncat(dir, "/iommu_group", sizeof(dir) - strlen(dir) - 1);
	n = readlink(dir, link, sizeof(link) - 1);
	if (n < 0)
		return base;
	link[n] = 0;
	snprintf(base, 96, "/dev/vfio/noiommu-%s", strrchr(link, '/') + 1);
	if (access(base, F_OK))
		snprintf(base, 96, "/dev/vfio/%s", strrchr(link, '/') + 1);
	return base;
}

/* /dev/vfio/devices/vfioX of the named device. */
static inline const char *cdev_path(const char *name)
{
	static char path[8][96];
	static int next;
	char dir[256], *base = path[next++ % 8];
	struct dirent *e;
	DIR *d;

	strcpy(base, "/nonexistent/cdev");
	if (device_sysfs(name, dir, sizeof(dir)))
		return base;
	strncat(dir, "/vfio-dev", sizeof(dir) - strlen(dir) - 1);
	d = opendir(dir);
	if (!d)
		return base;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4))
			snprintf(base, 96, "/dev/vfio/devices/%s", e->d_name);
	closedir(d);
	return base;
}

/*
 * The model's /dev/vfio/vfio is iommufd's compat container: /dev/vfio/vfio itself with
 * CONFIG_IOMMUFD_VFIO_CONTAINER, else the /dev/iommu fd, which serves the same container ioctls (the
 * documented symlink).
 */
static inline const char *compat_container(void)
{
	return vfio_container_is_iommufd() ? "/dev/vfio/vfio" : "/dev/iommu";
}
`;
