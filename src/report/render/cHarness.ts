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
`;
