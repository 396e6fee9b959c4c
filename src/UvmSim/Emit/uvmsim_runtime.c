/*
 * uvmsim_runtime.c: the fixed part of every program `uvmsim emit-c` writes (CEmitter.cs puts it
 * between the scenario's #defines and its uvmsim_do_line, uvmsim_lines and main; see
 * docs/emit-c.md). It is an embedded resource of UvmSim.dll, kept as a .c file so that C tools
 * can check it alone (its only warnings: uvmsim_do_line and uvmsim_lines, which the emitter
 * writes after it, are declared and not defined):
 *   cc -std=c99 -Wall -fsyntax-only -DUVMSIM_CHECK_ALONE src/UvmSim/Emit/uvmsim_runtime.c
 * The emitter defines UVMSIM_NPROCS, UVMSIM_NVALS, UVMSIM_NFILES, UVMSIM_MAP_MIN/MAX and the
 * UVMSIM_TEXT_* result texts (from CEmitOutput.cs, which the model's
 * side prints too) before this text; UVMSIM_CHECK_ALONE stands in for them.
 */
#ifdef UVMSIM_CHECK_ALONE
#define UVMSIM_NPROCS 1
#define UVMSIM_NVALS 1
#define UVMSIM_NFILES 1
#define UVMSIM_MAP_MIN UINT64_C(0x1000)
#define UVMSIM_MAP_MAX UINT64_C(0x800000000000)
#define UVMSIM_TEXT_NOT_REPRODUCIBLE "?"
#define UVMSIM_TEXT_PROCESS_GONE "?"
#define UVMSIM_TEXT_NO_ANSWER "?"
#define UVMSIM_TEXT_OVERLAPS "?"
#define UVMSIM_TEXT_UNCHECKED "?"
#define UVMSIM_TEXT_NOT_ON_THIS_SYSTEM "?"
#define UVMSIM_TEXT_UNBOUND "?"
#define UVMSIM_TEXT_OK_PREFIX "?"
#define UVMSIM_TEXT_RAN_TO_THE_END "?"
#define UVMSIM_OBS_PAGES 4096
static const char *const uvmsim_proc_name[UVMSIM_NPROCS] = { "?" };
static const char *const uvmsim_val_name[UVMSIM_NVALS] = { "?" };
#endif

/* uvmsim: emitted from here on (CEmitRuntime.Marker) */
/*
 * The runtime, the same in every emitted program. The coordinator (this process) forks one
 * worker per scenario process and sends each line to its worker over a pipe, waiting for the
 * answer with a timeout (uvmsim_call); only the coordinator prints. Scenario addresses live in
 * an arena at UVMSIM_BASE, and mappings are placed there as the model places them
 * (uvmsim_real, uvmsim_place). A worker never lets a `fixed` mmap, munmap, mprotect or
 * minherit reach memory its scenario did not map, such as its own stack or libc (uvmsim_own
 * says how).
 */

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1
#endif
#if defined(__NetBSD__) && !defined(_NETBSD_SOURCE)
#define _NETBSD_SOURCE 1
#endif

#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#if defined(__linux__)
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__GNUC__) || defined(__clang__)
#define UVMSIM_UNUSED __attribute__((unused))
#else
#define UVMSIM_UNUSED
#endif

#if !defined(MAP_ANON) && defined(MAP_ANONYMOUS)
#define MAP_ANON MAP_ANONYMOUS
#endif
#if defined(MAP_WIRED)
#define UVMSIM_MAP_WIRED MAP_WIRED
#elif defined(MAP_LOCKED)
/* Linux has no MAP_WIRED; MAP_LOCKED (mlock the new mapping) is the closest. */
#define UVMSIM_MAP_WIRED MAP_LOCKED
#else
#define UVMSIM_MAP_WIRED 0
#endif

#define UVMSIM_ACK_TIMEOUT_MS 30000  /* one line's answer; a dead worker is seen at once (EOF) */
#define UVMSIM_QUIT_TIMEOUT_MS 2000  /* a worker's goodbye */
#define UVMSIM_IDLE_LIMIT_S 600      /* a worker gives up waiting for commands */
#define UVMSIM_ALARM_S 240           /* the coordinator's last resort */
#define UVMSIM_MAX_SEGMENTS 256
#define UVMSIM_MAX_OWN 1024          /* ranges of the scenario's own memory a worker tracks */
#define UVMSIM_PAGE_PROBES 1024      /* holes up to this many pages are probed page by page */
#ifndef UVMSIM_PROBE_BUDGET
#define UVMSIM_PROBE_BUDGET 1024     /* probe mappings one range check may make (tests set 0) */
#endif

/*
 * The probe that tells whether a hole is free (see uvmsim_own below): a mapping that must not
 * move or replace anything. Linux: MAP_FIXED_NOREPLACE (EEXIST when occupied); NetBSD:
 * MAP_TRYFIXED (the hint is kept only when free). 0 leaves a plain hint, which tells less.
 */
#ifndef UVMSIM_MAP_PROBE
#if defined(MAP_FIXED_NOREPLACE)
#define UVMSIM_MAP_PROBE MAP_FIXED_NOREPLACE
#elif defined(MAP_TRYFIXED)
#define UVMSIM_MAP_PROBE MAP_TRYFIXED
#else
#define UVMSIM_MAP_PROBE 0
#endif
#endif

/*
 * The arena. The model's address space starts at UVMSIM_MAP_MIN (0x1000) and fills upwards,
 * first fit; Linux places mappings top-down near 0x7f... and refuses page 0. So every scenario
 * address m lives at UVMSIM_BASE + m, a range that is free in a fresh process (1 TiB: above
 * the text, heap and mmap_min_addr, below PIE text and the top-down libraries and stack, on
 * Linux x86-64 and NetBSD amd64), and results there are printed as m again. A test or a
 * kernel with another layout may choose another base, a multiple of the page size:
 * cc -DUVMSIM_BASE=...
 *
 * Which addresses are translated (uvmsim_real): every one from UVMSIM_MAP_MIN up to where
 * UVMSIM_BASE + m would pass 2^64. Those below the map minimum (page 0) and those within
 * UVMSIM_BASE of 2^64 keep their value: the model rejects them as out of range, and so does
 * the kernel at that value (page 0 is never mapped; the top is kernel space). Addresses at
 * or near the model's maximum land above the kernel's user space (UVMSIM_BASE + 0x7f7fffffc000
 * is above x86-64's 47-bit 0x7ffffffff000 and NetBSD amd64's 0x7f7fffffc000), so ranges that
 * run past the model's maximum run past the kernel's too and get its range error. Lengths
 * are never translated: a wrapping length wraps from the same place in the arena.
 */
#ifndef UVMSIM_BASE
/* CEmitOutput.ArenaBase: `uvmsim kernel` translates the workers' break with it */
#define UVMSIM_BASE UINT64_C(0x10000000000)
#endif
#if UVMSIM_BASE > UINT64_MAX - UVMSIM_MAP_MAX
#error "UVMSIM_BASE + UVMSIM_MAP_MAX must fit in 64 bits"
#endif

enum { ST_UNSTARTED, ST_RUNNING, ST_GONE };
/*
 * What a named value is (bnd[]): unbound; a number (an id, a pid, a count); an address the
 * model also names, kept as the model's address (val = real - UVMSIM_BASE); or a real address
 * the model cannot name (brk's heap, a mapping the kernel placed outside the arena), kept as is.
 */
enum { B_UNBOUND, B_VALUE, B_ADDR, B_RAW };
/*
 * What a bound name names, for the observed digest (uvmsim_observe): nothing observable, a
 * mapping (mmap, shmat, brk: observed page by page over its extent), or a segment (shmget).
 */
enum { E_NONE, E_MAP, E_SEG };
/* A_FOREIGN, A_UNCHECKED: a call not made, to keep the worker's own memory (uvmsim_own). */
enum { A_OK, A_ERR, A_EXIT, A_NOTE, A_FOREIGN, A_UNCHECKED };

/*
 * Coordinator -> worker: the line to run (0: quit; -LINE: report the observed digest after
 * LINE) and the named values (with their B_ kind, their E_ kind and extent).
 */
struct uvmsim_cmd {
	int32_t line;
	uint64_t val[UVMSIM_NVALS];
	uint64_t ext[UVMSIM_NVALS];
	unsigned char bnd[UVMSIM_NVALS];
	unsigned char ekind[UVMSIM_NVALS];
};

/* Worker -> coordinator: the line's result. */
struct uvmsim_ack {
	int32_t line;
	int32_t kind;
	int32_t err;
	int32_t vkind;   /* what value is, for bnd[]: B_VALUE, B_ADDR or B_RAW */
	uint64_t value;  /* B_ADDR: the model's address, real - UVMSIM_BASE */
	int32_t ekind;   /* what value names for the digest: E_NONE, E_MAP or E_SEG */
	uint64_t extent; /* E_MAP: the length the call mapped */
	uint64_t heap_start; /* the start-up report (line -1): the worker's initial break */
};

static uint64_t val[UVMSIM_NVALS];
static unsigned char bnd[UVMSIM_NVALS];
static uint64_t ext[UVMSIM_NVALS];
static unsigned char ekind[UVMSIM_NVALS];
static int observing;                /* UVMSIM_OBSERVE set: print the digest after every line */
static uint64_t pg = 4096;
static int me = -1;                  /* the scenario process this copy serves; -1: coordinator */
static pid_t coord_pid;
static int cmd_fd[UVMSIM_NPROCS][2];
static int ack_fd[UVMSIM_NPROCS][2];
static int pstate[UVMSIM_NPROCS];
static pid_t proc_pid[UVMSIM_NPROCS];
static int shm_ids[UVMSIM_MAX_SEGMENTS];
static int nshm;
static int files_made[UVMSIM_NFILES];
/*
 * What this program made and must remove, whatever way it ends (docs/emit-c.md, "Cleaning
 * up"): its own directory for the scenario's files (mkdtemp, then mode 0711, so no other user
 * can plant a link in it but workers of another uid reach the files; the files are created O_EXCL|O_NOFOLLOW as well), the segments it
 * created (shm_ids) and its workers (proc_pid). With UVMSIM_JOURNAL set (`uvmsim kernel` sets
 * it), each is also appended to that file as it is made, so what a SIGKILL leaves behind can
 * be found and removed (`uvmsim kernel --clean`).
 */
static char files_dir[PATH_MAX];
static int journal_fd = -1;
static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touching;
static volatile sig_atomic_t touch_errno;  /* the fault's errno (uvmsim_on_fault) */
static volatile uint64_t touch_at;

static void uvmsim_do_line(int line, struct uvmsim_ack *a);

static UVMSIM_UNUSED const char *uvmsim_errno_name(int e, char *buf, size_t n)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENOSPC: return "ENOSPC";
	case EFBIG: return "EFBIG";
	case EOVERFLOW: return "EOVERFLOW";
	case EBADF: return "EBADF";  /* Linux: mmap without MAP_ANON and without a file */
	case ENOSYS: return "ENOSYS"; /* mlock2 where the system has none */
	default:
		snprintf(buf, n, "%d", e);
		return buf;
	}
}

static UVMSIM_UNUSED void uvmsim_ok(struct uvmsim_ack *a, uint64_t v)
{
	a->kind = A_OK;
	a->vkind = B_VALUE;
	a->value = v;
}

/*
 * A call that returned address r. In the arena (and not asked for at a raw address) it is the
 * model address it stands for, so it prints as `uvmsim run --trace` does; any other address
 * stays real (B_RAW) and is never translated again.
 */
static UVMSIM_UNUSED void uvmsim_ok_address(struct uvmsim_ack *a, uint64_t r, int raw)
{
	uvmsim_ok(a, r);
	if (raw || r < UVMSIM_BASE + UVMSIM_MAP_MIN || r - UVMSIM_BASE >= UVMSIM_MAP_MAX) {
		a->vkind = B_RAW;
	} else {
		a->vkind = B_ADDR;
		a->value = r - UVMSIM_BASE;
	}
}

static UVMSIM_UNUSED void uvmsim_err(struct uvmsim_ack *a, int e)
{
	a->kind = A_ERR;
	a->err = e;
}

/* A call returning 0 or -1 with errno. */
static UVMSIM_UNUSED void uvmsim_ret0(struct uvmsim_ack *a, int r)
{
	if (r == 0)
		uvmsim_ok(a, 0);
	else
		uvmsim_err(a, errno);
}

/*
 * The real address of scenario address m (the arena's comment above).
 * => raw: m was computed from a B_RAW value, an address the model cannot name: used as is.
 * => m below the map minimum, or so high that UVMSIM_BASE + m would wrap: used as is.
 */
static UVMSIM_UNUSED uint64_t uvmsim_real(uint64_t m, int raw)
{
	if (raw || m < UVMSIM_MAP_MIN || m > UINT64_MAX - UVMSIM_BASE)
		return m;
	return UVMSIM_BASE + m;
}

/* Whether named value i is a real address the model cannot name (B_RAW). */
static UVMSIM_UNUSED int uvmsim_raw(int i)
{
	return bnd[i] == B_RAW;
}

/* Scenario file f is f<N> in the program's own directory: no scenario text is in the path. */
static UVMSIM_UNUSED void uvmsim_file_path(int f, char *buf, size_t n)
{
	snprintf(buf, n, "%s/f%d", files_dir, f);
}

/* Appends "KIND VALUE" to the journal, unbuffered, so it is there even after a SIGKILL. */
static void uvmsim_journal(const char *kind, long value, const char *text)
{
	char line[PATH_MAX + 64];
	int n;

	if (journal_fd < 0)
		return;
	n = text != NULL ? snprintf(line, sizeof line, "%s %s\n", kind, text)
	    : snprintf(line, sizeof line, "%s %ld\n", kind, value);
	if (n > 0 && (size_t)n < sizeof line)
		(void)write(journal_fd, line, (size_t)n);
}

/*
 * Makes files_dir (in UVMSIM_FILES_DIR, else TMPDIR, else /tmp) and opens the journal; 0 on
 * success. `uvmsim kernel` points UVMSIM_FILES_DIR at a tmpfs: shmem has no readahead, so a
 * file page is in the page cache (mincore, the digest) only once touched, as in the model.
 */
static int uvmsim_own_files(void)
{
	const char *tmp = getenv("UVMSIM_FILES_DIR"), *journal = getenv("UVMSIM_JOURNAL");

	if (tmp == NULL || tmp[0] == '\0')
		tmp = getenv("TMPDIR");

	if (journal != NULL && journal[0] != '\0') {
		journal_fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0600);
		if (journal_fd < 0) {
			perror("uvmsim: the journal (UVMSIM_JOURNAL)");
			return -1;
		}
	}
	if (snprintf(files_dir, sizeof files_dir, "%s/uvmsim-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") >= (int)sizeof files_dir
	    || mkdtemp(files_dir) == NULL) {
		perror("uvmsim: mkdtemp");
		files_dir[0] = '\0';
		return -1;
	}
	/* Searchable, not listable or writable, by others: workers running as another uid
	   (uid=, `kernel --as nobody`) open the files by name; nobody else can add a link. */
	if (chmod(files_dir, 0711) != 0) {
		perror("uvmsim: chmod");
		rmdir(files_dir);
		files_dir[0] = '\0';
		return -1;
	}
	uvmsim_journal("dir", 0, files_dir);
	return 0;
}

/*
 * Removes what the program made: the workers (killed: this runs at the end, where they have
 * already been told to quit, and from a signal, where there is no time to ask), the segments
 * it created (removed at their last detach, which the kills bring), the files and their
 * directory. Only async-signal-safe calls (kill, waitpid, shmctl, unlink, rmdir), so the
 * signal handler can run it.
 */
static void uvmsim_remove_all(void)
{
	char path[PATH_MAX + 16];
	int p, i;

	for (p = 0; p < UVMSIM_NPROCS; p++) {
		if (pstate[p] == ST_RUNNING && proc_pid[p] > 0)
			(void)kill(proc_pid[p], SIGKILL);
	}
	for (i = 0; i < nshm; i++)
		(void)shmctl(shm_ids[i], IPC_RMID, NULL);
	if (files_dir[0] == '\0')
		return;
	for (i = 0; i < UVMSIM_NFILES; i++) {
		if (files_made[i]) {
			uvmsim_file_path(i, path, sizeof path);
			(void)unlink(path);
		}
	}
	(void)rmdir(files_dir);
}

/*
 * SIGINT, SIGTERM, SIGHUP and the last-resort SIGALRM in the coordinator: remove everything,
 * then die of the signal as before. A worker (which inherits the handler) just dies of it.
 */
static void uvmsim_on_stop(int sig)
{
	if (getpid() == coord_pid) {
		uvmsim_remove_all();
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * A fault during touch ends it with the model's errno (Kernel.Touch, uvm_fault): EACCES for a
 * protection fault (SEGV_ACCERR: the page is mapped, the access is not allowed), EFAULT for an
 * address in no mapping (SEGV_MAPERR) and for a page beyond a file's end (SIGBUS). NetBSD's
 * trap handler sets SEGV_ACCERR exactly when uvm_fault returned EACCES.
 */
static void uvmsim_on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (touching) {
		touch_errno = sig == SIGSEGV && si != NULL && si->si_code == SEGV_ACCERR ? EACCES : EFAULT;
		siglongjmp(touch_jmp, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * A write access to *q that leaves it unchanged and faults as a write only: a locked
 * read-modify-write (x86's `lock or $0`, else an atomic fetch-or of 0). `*q = *q` would read
 * first, and that read fault maps a page (the zero page, a file page) even where the write
 * then fails with EACCES, which the model's write fault does not (docs/linux.md).
 */
static void uvmsim_write_fault(volatile unsigned char *q)
{
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
	__asm__ __volatile__("lock; orb $0, %0" : "+m"(*q) : : "memory");
#elif defined(__GNUC__) || defined(__clang__)
	(void)__atomic_fetch_or((unsigned char *)(uintptr_t)q, 0, __ATOMIC_SEQ_CST);
#else
	*q = *q;
#endif
}

/*
 * touch: a one-byte user access to each page of [addr, addr+len), normalised as the
 * model does (SPEC 5.1); a range that wraps is EFAULT, a fault the errno uvmsim_on_fault chose.
 */
static UVMSIM_UNUSED int uvmsim_touch(uint64_t addr, uint64_t len, int write)
{
	uint64_t off = addr & (pg - 1), start = addr - off, n = len + off, end;

	if (n < len)
		return EFAULT;
	if (n > UINT64_MAX - (pg - 1))
		return EFAULT;
	n = (n + pg - 1) & ~(pg - 1);
	end = start + n;
	if (end < start)
		return EFAULT;
	touching = 1;
	if (sigsetjmp(touch_jmp, 1) != 0) {
		touching = 0;
		return (int)touch_errno;
	}
	for (touch_at = start; touch_at < end; touch_at += pg) {
		volatile unsigned char *q = (volatile unsigned char *)(uintptr_t)touch_at;
		if (write)
			uvmsim_write_fault(q);
		else
			(void)*q;
	}
	touching = 0;
	return 0;
}

/*
 * The scenario's own memory, kept by each worker.
 *
 * A worker is an ordinary process: its text, libc, stack, heap and this runtime's tables lie
 * at addresses its kernel chose, outside the arena, and a scenario's range can still reach
 * them: a literal address above the arena, a range long enough to leave it, or one relative
 * to brk's heap (which is not in the arena). MAP_FIXED replaces whatever is there, munmap removes it, mprotect to none or
 * read makes it fault, and minherit none or zero (Linux: MADV_DONTFORK, MADV_WIPEONFORK)
 * takes it from a `fork` child: such a line would kill the worker or corrupt it. So the
 * worker keeps uvmsim_own, the pages its scenario's calls were given (mmap, shmat and brk
 * results, less munmap and shmdt; the child of a `fork` line inherits it with the rest of the
 * memory), and before a MAP_FIXED mmap, munmap, mprotect or minherit it checks every page of
 * the range outside uvmsim_own (uvmsim_foreign): if one is mapped, it is the worker's, and the
 * call is not made. The line then prints "(not reproducible: the range overlaps the worker's
 * own memory)" and binds nothing, as a failed line does. A page outside uvmsim_own that is
 * free still goes to the kernel (munmap of a hole is 0, Linux's mprotect of one ENOMEM).
 *
 * Not checked: mlock and munlock (and mlockall) change only whether the worker's pages are
 * wired, which cannot hurt it, and their answers over its memory are the kernel's real ones;
 * touch reads a byte of each page and writes it back unchanged, a fault being caught; shmat
 * never replaces anything (below); shmdt removes only a segment's pages, and the worker
 * attaches none of its own; brk's sbrk grows only into free space (a length it would take as
 * a negative increment, shrinking the worker's heap, is not passed on: uvmsim_do_line).
 *
 * The check, hole by hole: one PROT_NONE probe mapping of the whole hole that must not move or
 * replace anything (UVMSIM_MAP_PROBE), removed at once. Where a probe cannot tell (the range
 * lies outside the user address space, or the kernel placed the probe elsewhere), the hole is
 * halved; a hole of at most UVMSIM_PAGE_PROBES pages is probed page by page with
 * msync(MS_ASYNC), which succeeds on a mapped page and fails on an unmapped one on Linux and
 * NetBSD alike. A range with a hole still undecided after UVMSIM_PROBE_BUDGET probes is not
 * passed on either: "(not reproducible: the range could not be checked against the worker's
 * own memory)".
 *
 * uvmsim_own may claim less than the scenario holds (a full table drops ranges, which only
 * makes the check stricter). It claims more only where a page went away without an munmap: a
 * failing MAP_FIXED mmap that had already removed the old mapping, or a range a `fork` child
 * did not inherit (minherit none). That is safe because a worker maps nothing of its own once
 * it serves lines (its probe mappings go at once), so none of its memory can appear there.
 *
 * shmat at an address needs no check: without SHM_REMAP (never passed) Linux refuses an
 * occupied range (EINVAL), and NetBSD's shmat maps with UVM_FLAG_FIXED but not
 * UVM_FLAG_UNMAP, which fails on an occupied range.
 */
struct uvmsim_range {
	uint64_t start, end;  /* [start, end), whole pages */
};

static struct uvmsim_range uvmsim_own[UVMSIM_MAX_OWN];  /* sorted, disjoint, never touching */
static int nown;
static struct uvmsim_range shm_attached[UVMSIM_MAX_SEGMENTS];  /* shmat results, for shmdt */
static int nattached;

enum { PROBE_FREE, PROBE_BUSY, PROBE_UNSURE };

/* [start, start+len) widened to whole pages in *s, *e; 0 when it is empty or wraps. */
static int uvmsim_pages(uint64_t start, uint64_t len, uint64_t *s, uint64_t *e)
{
	uint64_t off = start & (pg - 1), n = len + off;

	if (len == 0 || n < len || n > UINT64_MAX - (pg - 1))
		return 0;
	*s = start - off;
	*e = *s + ((n + pg - 1) & ~(pg - 1));
	return *e > *s;
}

/* Whether [s, e) is free, by one probe mapping (UVMSIM_MAP_PROBE) that is removed at once. */
static int uvmsim_probe(uint64_t s, uint64_t e)
{
	void *want = (void *)(uintptr_t)s;
	void *r = mmap(want, (size_t)(e - s), PROT_NONE, MAP_PRIVATE | MAP_ANON | UVMSIM_MAP_PROBE, -1, 0);

	if (r == MAP_FAILED)
		return errno == EEXIST ? PROBE_BUSY : PROBE_UNSURE;
	(void)munmap(r, (size_t)(e - s));
	return r == want ? PROBE_FREE : PROBE_UNSURE;
}

/* Adds [s, e) (whole pages) to uvmsim_own, merging what it overlaps or touches. */
static void uvmsim_own_add(uint64_t s, uint64_t e)
{
	int i = 0, j;

	while (i < nown && uvmsim_own[i].end < s)
		i++;
	for (j = i; j < nown && uvmsim_own[j].start <= e; j++) {
		if (uvmsim_own[j].start < s)
			s = uvmsim_own[j].start;
		if (uvmsim_own[j].end > e)
			e = uvmsim_own[j].end;
	}
	if (j == i) {
		if (nown == UVMSIM_MAX_OWN)
			return;  /* full: not tracked, which only makes the check stricter */
		memmove(&uvmsim_own[i + 1], &uvmsim_own[i], (size_t)(nown - i) * sizeof uvmsim_own[0]);
		nown++;
	} else if (j > i + 1) {
		memmove(&uvmsim_own[i + 1], &uvmsim_own[j], (size_t)(nown - j) * sizeof uvmsim_own[0]);
		nown -= j - i - 1;
	}
	uvmsim_own[i].start = s;
	uvmsim_own[i].end = e;
}

/* Removes [s, e) (whole pages) from uvmsim_own. */
static void uvmsim_own_remove(uint64_t s, uint64_t e)
{
	int i = 0;

	while (i < nown) {
		struct uvmsim_range *r = &uvmsim_own[i];
		if (r->end <= s || r->start >= e) {
			i++;
		} else if (r->start < s && r->end > e) {
			/* [s, e) inside one range: split it (when full, the upper part is dropped) */
			if (nown < UVMSIM_MAX_OWN) {
				memmove(&uvmsim_own[i + 2], &uvmsim_own[i + 1], (size_t)(nown - i - 1) * sizeof uvmsim_own[0]);
				uvmsim_own[i + 1].start = e;
				uvmsim_own[i + 1].end = r->end;
				nown++;
			}
			r->end = s;
			return;
		} else if (r->start < s) {
			r->end = s;
			i++;
		} else if (r->end > e) {
			r->start = e;
			i++;
		} else {
			memmove(&uvmsim_own[i], &uvmsim_own[i + 1], (size_t)(nown - i - 1) * sizeof uvmsim_own[0]);
			nown--;
		}
	}
}

/*
 * The lowest address at or above `from` where `size` bytes fit below `limit` between the
 * ranges of uvmsim_own (all real, page-aligned); 0 when none does.
 */
static uint64_t uvmsim_first_fit(uint64_t from, uint64_t limit, uint64_t size)
{
	uint64_t at = from;
	int i;

	for (i = 0; i < nown && uvmsim_own[i].start < limit; i++) {
		if (uvmsim_own[i].end <= at)
			continue;
		if (uvmsim_own[i].start >= at && uvmsim_own[i].start - at >= size)
			return at;
		at = uvmsim_own[i].end;  /* past this range, which ends above at */
	}
	return at <= limit && limit - at >= size ? at : 0;
}

/*
 * Where a mapping of len bytes without MAP_FIXED goes: where the model puts it
 * (VmMap.FindSpace, SPEC 3.3), passed to the kernel as a hint. The model's hint m (0: none),
 * rounded down to a page, if the range there is free, else the first fit upward from it, else
 * the first fit from the map minimum. "Free" is outside uvmsim_own: the arena holds nothing
 * but the scenario's own ranges.
 * => NULL (the kernel chooses) when the length is 0 or wraps (the kernel then fails as the
 *    model does) or nothing fits; a raw m (from an address the model cannot name) as is.
 * => Linux and NetBSD map at a hint whose range is free. If the kernel puts the mapping
 *    elsewhere anyway, the line still works and prints what it got (uvmsim_call).
 */
static UVMSIM_UNUSED void *uvmsim_place(uint64_t m, int raw, uint64_t len)
{
	uint64_t size = (len + pg - 1) & ~(pg - 1), h = m & ~(pg - 1);
	uint64_t limit = UVMSIM_BASE + UVMSIM_MAP_MAX, at = 0;

	if (raw)
		return (void *)(uintptr_t)m;
	if (len == 0 || size < len)
		return NULL;
	if (h >= UVMSIM_MAP_MIN && h < UVMSIM_MAP_MAX)
		at = uvmsim_first_fit(UVMSIM_BASE + h, limit, size);
	if (at == 0)
		at = uvmsim_first_fit(UVMSIM_BASE + UVMSIM_MAP_MIN, limit, size);
	return (void *)(uintptr_t)at;
}

/*
 * shmat at scenario address m (raw: as for uvmsim_real). No address (0, or one SHM_RND rounds
 * down to 0) is placed as the model places it: at the first fit from the map minimum
 * (ShmTable.Attach). shmat takes an address as exact, not as a hint, and refuses an occupied
 * range (EINVAL; SHM_REMAP is never passed): then the kernel chooses.
 */
static UVMSIM_UNUSED void *uvmsim_shmat(int id, uint64_t m, int raw, int flags)
{
	struct shmid_ds ds;
	void *at = NULL, *r;

	if (raw || (m != 0 && ((flags & SHM_RND) == 0 || (m & ~(pg - 1)) != 0)))
		return shmat(id, (void *)(uintptr_t)uvmsim_real(m, raw), flags);
	if (shmctl(id, IPC_STAT, &ds) == 0)
		at = uvmsim_place(0, 0, (uint64_t)ds.shm_segsz);
	if (at != NULL) {
		r = shmat(id, at, flags);
		if (r != (void *)-1 || errno != EINVAL)
			return r;
	}
	return shmat(id, NULL, flags);
}

/*
 * An mmap result (r, error e): on success [r, r+len) becomes the scenario's own. raw: it was
 * asked for at an address the model cannot name (uvmsim_ok_address).
 */
static UVMSIM_UNUSED void uvmsim_mapped(struct uvmsim_ack *a, void *r, uint64_t len, int e, int raw)
{
	uint64_t s, end;

	if (r == MAP_FAILED) {
		uvmsim_err(a, e);
		return;
	}
	if (uvmsim_pages((uint64_t)(uintptr_t)r, len, &s, &end))
		uvmsim_own_add(s, end);
	uvmsim_ok_address(a, (uint64_t)(uintptr_t)r, raw);
	a->ekind = E_MAP;
	a->extent = len;
}

/* An munmap result (0 or -1 with errno): on success [addr, addr+len) is no longer the scenario's. */
static UVMSIM_UNUSED void uvmsim_unmapped(struct uvmsim_ack *a, uint64_t addr, uint64_t len, int r)
{
	uint64_t s, e;

	if (r == 0 && uvmsim_pages(addr, len, &s, &e))
		uvmsim_own_remove(s, e);
	uvmsim_ret0(a, r);
}

/*
 * An sbrk result r (error e) for n bytes: the new part's pages become the scenario's own, but
 * not the page the old break was in (the worker's malloc heap may end there). The heap is the
 * kernel's, outside the arena: its address is printed and used as it is.
 */
static UVMSIM_UNUSED void uvmsim_grown(struct uvmsim_ack *a, void *r, uint64_t n, uint64_t len, int e)
{
	uint64_t old = (uint64_t)(uintptr_t)r, s, end;

	if (r == (void *)-1) {
		uvmsim_err(a, e);
		return;
	}
	s = (old + pg - 1) & ~(pg - 1);
	if (s >= old && old + n > s && uvmsim_pages(s, old + n - s, &s, &end))
		uvmsim_own_add(s, end);
	uvmsim_ok_address(a, old, 1);
	a->ekind = E_MAP;
	a->extent = len;  /* the scenario's length, as the model's extent has it */
}

/*
 * A shmat result r (error e) for segment id: on success the attached pages are the scenario's
 * own. raw: as for uvmsim_mapped.
 */
static UVMSIM_UNUSED void uvmsim_attached(struct uvmsim_ack *a, int id, void *r, int e, int raw)
{
	struct shmid_ds ds;
	uint64_t s, end;

	if (r == (void *)-1) {
		uvmsim_err(a, e);
		return;
	}
	if (shmctl(id, IPC_STAT, &ds) == 0) {
		if (nattached < UVMSIM_MAX_SEGMENTS && uvmsim_pages((uint64_t)(uintptr_t)r, (uint64_t)ds.shm_segsz, &s, &end)) {
			shm_attached[nattached].start = s;
			shm_attached[nattached++].end = end;
			uvmsim_own_add(s, end);
		}
	} else
		ds.shm_segsz = 0;
	uvmsim_ok_address(a, (uint64_t)(uintptr_t)r, raw);
	a->ekind = E_MAP;
	a->extent = (uint64_t)ds.shm_segsz;
}

/*
 * The current settings of segment id, for an IPC_SET that leaves a field out (IPC_SET writes
 * uid, gid and mode together, so a field the scenario does not give must be written back as
 * it is). IPC_STAT needs read permission, which the model's IPC_SET does not (owner or root
 * suffices), so when it is refused (EACCES) the settings are found without it where the
 * kernel allows: Linux's SHM_STAT_ANY (4.17 and later), by index up to SHM_INFO's highest one.
 * => 0, or -1 with errno: IPC_STAT's (EINVAL for a bad id; EACCES where nothing else works).
 */
static UVMSIM_UNUSED int uvmsim_shm_current(int id, struct shmid_ds *ds)
{
#if defined(SHM_STAT_ANY) && defined(SHM_INFO)
	struct shm_info info;
	int i, last;
#endif

	if (shmctl(id, IPC_STAT, ds) == 0)
		return 0;
#if defined(SHM_STAT_ANY) && defined(SHM_INFO)
	if (errno != EACCES)
		return -1;
	last = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
	for (i = 0; i <= last; i++) {
		if (shmctl(i, SHM_STAT_ANY, ds) == id)
			return 0;
	}
	errno = EACCES;
#endif
	return -1;
}

/*
 * A shmdt result (0 or -1 with errno): on success the pages of the segment attached at addr
 * are no longer the scenario's, except those still mapped (Linux's shmdt leaves a `fixed`
 * mapping made over part of the segment; NetBSD's removes the whole range).
 */
static UVMSIM_UNUSED void uvmsim_detached(struct uvmsim_ack *a, uint64_t addr, int r)
{
	uint64_t at;
	int i;

	for (i = nattached - 1; r == 0 && i >= 0; i--) {
		if (shm_attached[i].start == addr) {
			if (uvmsim_probe(shm_attached[i].start, shm_attached[i].end) == PROBE_FREE) {
				uvmsim_own_remove(shm_attached[i].start, shm_attached[i].end);
			} else {
				for (at = shm_attached[i].start; at < shm_attached[i].end; at += pg) {
					if (msync((void *)(uintptr_t)at, (size_t)pg, MS_ASYNC) != 0)
						uvmsim_own_remove(at, at + pg);
				}
			}
			shm_attached[i] = shm_attached[--nattached];
			break;
		}
	}
	uvmsim_ret0(a, r);
}

/*
 * Whether any page of the hole [s, e) is mapped: 1 yes, 0 no, -1 could not tell within
 * *budget probe mappings (uvmsim_own's comment).
 */
static int uvmsim_any_mapped(uint64_t s, uint64_t e, int *budget)
{
	uint64_t at, mid;
	int lo, hi;

	if (*budget <= 0)
		return -1;
	--*budget;
	switch (uvmsim_probe(s, e)) {
	case PROBE_FREE:
		return 0;
	case PROBE_BUSY:
		return 1;
	default:
		break;
	}
	if ((e - s) / pg <= UVMSIM_PAGE_PROBES) {
		for (at = s; at < e; at += pg) {
			if (msync((void *)(uintptr_t)at, (size_t)pg, MS_ASYNC) == 0)
				return 1;
		}
		return 0;
	}
	mid = s + (((e - s) / 2) & ~(pg - 1));
	lo = uvmsim_any_mapped(s, mid, budget);
	if (lo > 0)
		return 1;
	hi = uvmsim_any_mapped(mid, e, budget);
	if (hi > 0)
		return 1;
	return lo < 0 || hi < 0 ? -1 : 0;
}

/*
 * Whether a call that replaces or changes the pages [s, e) must not be made because one of
 * them outside uvmsim_own is mapped: the worker's own memory (uvmsim_own's comment). Holes
 * that are free do not stop it: the kernel's answer for them is what the scenario tests.
 * => 0: make the call; else a->kind is A_FOREIGN or A_UNCHECKED and the line stops.
 */
static int uvmsim_foreign(struct uvmsim_ack *a, uint64_t s, uint64_t e)
{
	uint64_t at, hole_end;
	int i = 0, r, budget = UVMSIM_PROBE_BUDGET, unsure = 0;

	for (at = s; at < e; at = hole_end) {
		while (i < nown && uvmsim_own[i].end <= at)
			i++;
		if (i < nown && uvmsim_own[i].start <= at) {
			hole_end = uvmsim_own[i].end;  /* the scenario's own: may be changed */
			continue;
		}
		hole_end = i < nown && uvmsim_own[i].start < e ? uvmsim_own[i].start : e;
		r = uvmsim_any_mapped(at, hole_end, &budget);
		if (r > 0) {
			a->kind = A_FOREIGN;
			return 1;
		}
		if (r < 0)
			unsure = 1;
	}
	if (unsure) {
		a->kind = A_UNCHECKED;
		return 1;
	}
	return 0;
}

/*
 * Before mmap(addr, len, ..., MAP_FIXED, ..., off): whether the call must not be made because
 * its range holds memory the scenario did not map (uvmsim_foreign).
 * => 0: make the call; else a->kind is A_FOREIGN or A_UNCHECKED and the line stops.
 * => an unaligned, empty or wrapping range is let through: the kernel rejects it (or, NetBSD
 *    with len 0, maps nothing) before it replaces anything.
 */
static UVMSIM_UNUSED int uvmsim_fixed_refused(struct uvmsim_ack *a, uint64_t addr, uint64_t len, uint64_t off)
{
	uint64_t poff = off & (pg - 1), s, e;

	/* NetBSD moves addr down by the file offset's page offset; Linux rejects such an offset. */
	if (len + poff < len || ((addr - poff) & (pg - 1)) != 0 || !uvmsim_pages(addr - poff, len + poff, &s, &e))
		return 0;
	return uvmsim_foreign(a, s, e);
}

/*
 * Before munmap, mprotect or minherit of [addr, addr+len): whether the call must not be made
 * because the range holds memory the scenario did not map (uvmsim_foreign).
 * => 0: make the call; else a->kind is A_FOREIGN or A_UNCHECKED and the line stops.
 * => the range is widened to whole pages, as NetBSD does; Linux rejects an unaligned address
 *    (EINVAL) before it changes anything, so that is let through, as is an empty or wrapping
 *    range (rejected, or nothing to change, on both).
 */
static UVMSIM_UNUSED int uvmsim_range_refused(struct uvmsim_ack *a, uint64_t addr, uint64_t len)
{
	uint64_t s, e;

#if defined(__linux__)
	if ((addr & (pg - 1)) != 0)
		return 0;
#endif
	if (!uvmsim_pages(addr, len, &s, &e))
		return 0;
	return uvmsim_foreign(a, s, e);
}

static int uvmsim_wait_fd(int fd, int ms)
{
	struct pollfd p;
	int r;

	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	do {
		r = poll(&p, 1, ms);
	} while (r < 0 && errno == EINTR);
	return r;
}

/* True while process pid exists and is not a zombie of ours. */
static int uvmsim_alive(pid_t pid)
{
	if (pid <= 0)
		return 0;
	if (waitpid(pid, NULL, WNOHANG) == pid)
		return 0;
	return kill(pid, 0) == 0 || errno != ESRCH;
}

/*
 * After an `exit` line: waits (at most UVMSIM_QUIT_TIMEOUT_MS) until the worker pid is gone.
 * It answers before it exits, and the kernel releases its attachments and mappings only as it
 * exits, so without the wait the next line (a nattch check) could still see them; in the model
 * the exit is complete when the line returns.
 */
static void uvmsim_wait_gone(pid_t pid)
{
	int waited;

	for (waited = 0; waited < UVMSIM_QUIT_TIMEOUT_MS && uvmsim_alive(pid); waited += 5)
		(void)poll(NULL, 0, 5);
}

/*
 * Waits for fd to be readable for at most ms, giving up early once process pid is gone
 * (the coordinator is not the only holder of a worker's ack pipe, so a dead worker's pipe
 * never reports end-of-file). pid 0: no such check.
 */
static int uvmsim_wait_from(int fd, int ms, pid_t pid)
{
	int waited = 0;

	if (pid <= 0)
		return uvmsim_wait_fd(fd, ms);
	for (;;) {
		int slice = ms - waited < 100 ? ms - waited : 100;
		int r = uvmsim_wait_fd(fd, slice);
		if (r != 0)
			return r;
		waited += slice;
		if (waited >= ms || !uvmsim_alive(pid))
			return uvmsim_wait_fd(fd, 0);
	}
}

/* Reads exactly n bytes from the worker pid (0: any), waiting at most ms between pieces; 0 on success. */
static int uvmsim_read_from(int fd, void *buf, size_t n, int ms, pid_t pid)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;
		if (uvmsim_wait_from(fd, ms, pid) <= 0)
			return -1;
		r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Reads exactly n bytes, waiting at most ms between pieces; 0 on success. */
static int uvmsim_read(int fd, void *buf, size_t n, int ms)
{
	return uvmsim_read_from(fd, buf, n, ms, 0);
}

static int uvmsim_write(int fd, const void *buf, size_t n)
{
	size_t put = 0;

	while (put < n) {
		ssize_t r = write(fd, (const char *)buf + put, n - put);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		put += (size_t)r;
	}
	return 0;
}

/*
 * The observed digest (SPEC 17.8, docs/linux.md "The digest"). After every line the
 * coordinator asks each running worker for what a user-level observer sees of it, and prints
 *   @ LINE: proc NAME locked BYTES NAME=CODES ... | ... | segment NAME yes locked=no dest=no nattch=1
 * (ObservedDigest.Format on the model's side prints the same text). Per worker: locked bytes
 * are VmLck (/proc/self/status) less the locked part of the worker's image, that is, of the
 * VM_LOCKED VMAs (smaps VmFlags `lo`) outside the scenario's own memory (uvmsim_own); per
 * bound mapping name one code per page of its extent: '-' in no VMA, else from the VMA's
 * `lo` and `lf` flags and mincore's bit 0. Segments are read by the coordinator from
 * /proc/sysvipc/shm (no permission needed). A worker allocates nothing for this: every
 * buffer is static, files are read with open/read, numbers are written by hand.
 * Only Linux has smaps: elsewhere the digest is not printed.
 */
#ifndef UVMSIM_OBS_PAGES
#define UVMSIM_OBS_PAGES 4096        /* pages observed per name (ObservedDigest.MaxPages) */
#endif
#define UVMSIM_OBS_SIZE (64 + (size_t)UVMSIM_NVALS * (UVMSIM_OBS_PAGES + 72))

/* The reply to an observe command: this header, then len bytes of text. */
struct uvmsim_obs_hdr {
	int32_t line;
	int32_t len;
};

static char uvmsim_obs_text[UVMSIM_OBS_SIZE];

#if defined(__linux__)
#define UVMSIM_MAX_VMAS 1024

struct uvmsim_vma {
	uint64_t start, end;
	unsigned char lo, lf, special;
};

static struct uvmsim_vma uvmsim_vmas[UVMSIM_MAX_VMAS];
static int nvmas;
static char uvmsim_file_buf[1 << 16];

/* Appends s to buf (of cap bytes, *n used), truncating; keeps it NUL-terminated. */
static void uvmsim_put(char *buf, size_t cap, size_t *n, const char *s)
{
	while (*s != '\0' && *n + 1 < cap)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

/* Appends v in decimal (no printf: nothing may allocate in a worker). */
static void uvmsim_put_u64(char *buf, size_t cap, size_t *n, uint64_t v)
{
	char d[24];
	int i = 23;

	d[i] = '\0';
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	uvmsim_put(buf, cap, n, d + i);
}

/* One line of /proc/self/smaps: a VMA's header line, or its VmFlags line. */
static void uvmsim_smaps_line(const char *l, int *overflow)
{
	char *p;
	uint64_t s, e;

	if ((l[0] >= '0' && l[0] <= '9') || (l[0] >= 'a' && l[0] <= 'f')) {
		s = (uint64_t)strtoull(l, &p, 16);
		if (*p != '-')
			return;
		e = (uint64_t)strtoull(p + 1, &p, 16);
		if (nvmas == UVMSIM_MAX_VMAS) {
			*overflow = 1;
			return;
		}
		uvmsim_vmas[nvmas].start = s;
		uvmsim_vmas[nvmas].end = e;
		uvmsim_vmas[nvmas].lo = uvmsim_vmas[nvmas].lf = uvmsim_vmas[nvmas].special = 0;
		nvmas++;
	} else if (strncmp(l, "VmFlags:", 8) == 0 && nvmas > 0 && !*overflow) {
		struct uvmsim_vma *v = &uvmsim_vmas[nvmas - 1];
		for (l += 8; *l != '\0'; l++) {
			if (l[0] == ' ' || l[1] == '\0')
				continue;
			if (l[0] == 'l' && l[1] == 'o')
				v->lo = 1;
			else if (l[0] == 'l' && l[1] == 'f')
				v->lf = 1;
			/* VM_IO, VM_PFNMAP, VM_DONTEXPAND, VM_MIXEDMAP: VM_SPECIAL, never locked */
			else if ((l[0] == 'i' && l[1] == 'o') || (l[0] == 'p' && l[1] == 'f')
			    || (l[0] == 'd' && l[1] == 'e') || (l[0] == 'm' && l[1] == 'm'))
				v->special = 1;
			l++;
		}
	}
}

/* Reads this process's VMAs (uvmsim_vmas, in address order); 0, or -1 if unreadable or too many. */
static int uvmsim_read_smaps(void)
{
	static char line[512];
	size_t ll = 0;
	ssize_t n, i;
	int fd = open("/proc/self/smaps", O_RDONLY), overflow = 0;

	nvmas = 0;
	if (fd < 0)
		return -1;
	while ((n = read(fd, uvmsim_file_buf, sizeof uvmsim_file_buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (uvmsim_file_buf[i] == '\n') {
				line[ll] = '\0';
				uvmsim_smaps_line(line, &overflow);
				ll = 0;
			} else if (ll + 1 < sizeof line)
				line[ll++] = uvmsim_file_buf[i];
		}
	}
	close(fd);
	return n < 0 || overflow ? -1 : 0;
}

/* VmLck of /proc/self/status in bytes; -1 when unreadable. */
static int64_t uvmsim_vmlck(void)
{
	ssize_t n, got = 0;
	int fd = open("/proc/self/status", O_RDONLY);
	const char *p;

	if (fd < 0)
		return -1;
	while (got + 1 < (ssize_t)sizeof uvmsim_file_buf
	    && (n = read(fd, uvmsim_file_buf + got, sizeof uvmsim_file_buf - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	uvmsim_file_buf[got] = '\0';
	p = strstr(uvmsim_file_buf, "\nVmLck:");
	if (p == NULL)
		return -1;
	return (int64_t)strtoull(p + 7, NULL, 10) * 1024;
}

/* The VMA containing address at, or NULL (uvmsim_vmas is in address order). */
static struct uvmsim_vma *uvmsim_vma_at(uint64_t at)
{
	int lo = 0, hi = nvmas;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (uvmsim_vmas[mid].end <= at)
			lo = mid + 1;
		else if (uvmsim_vmas[mid].start > at)
			hi = mid;
		else
			return &uvmsim_vmas[mid];
	}
	return NULL;
}

/* Bytes of [s, e) inside uvmsim_own. */
static uint64_t uvmsim_own_bytes(uint64_t s, uint64_t e)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < nown; i++) {
		uint64_t a = uvmsim_own[i].start > s ? uvmsim_own[i].start : s;
		uint64_t b = uvmsim_own[i].end < e ? uvmsim_own[i].end : e;
		if (a < b)
			n += b - a;
	}
	return n;
}

/*
 * The worker's image (SPEC 17.1): the pages of its VMAs at start, *lockable those mlockall
 * would lock (not VM_SPECIAL: vvar, vdso). 0, or -1 when smaps cannot be read.
 */
static int uvmsim_image(uint64_t *lockable, uint64_t *total)
{
	int i;

	*lockable = *total = 0;
	if (uvmsim_read_smaps() != 0)
		return -1;
	for (i = 0; i < nvmas; i++) {
		uint64_t pages = (uvmsim_vmas[i].end - uvmsim_vmas[i].start) / pg;
		*total += pages;
		if (!uvmsim_vmas[i].special)
			*lockable += pages;
	}
	return 0;
}

/* The pages the extent [m, m+len) spans, at most UVMSIM_OBS_PAGES (ObservedDigest.Pages). */
static uint64_t uvmsim_obs_pages(uint64_t m, uint64_t len)
{
	uint64_t n = len + (m & (pg - 1));

	if (n < len || n > UINT64_MAX - (pg - 1))
		return UVMSIM_OBS_PAGES;
	n = (n + pg - 1) / pg;
	return n < UVMSIM_OBS_PAGES ? n : UVMSIM_OBS_PAGES;
}

/* The worker's part of the digest after a line, in uvmsim_obs_text: "locked BYTES NAME=CODES ...". */
static size_t uvmsim_observe_self(void)
{
	size_t n = 0;
	uint64_t outside = 0, locked;
	int64_t lck;
	int i;

	uvmsim_obs_text[0] = '\0';
	if (uvmsim_read_smaps() != 0 || (lck = uvmsim_vmlck()) < 0) {
		uvmsim_put(uvmsim_obs_text, sizeof uvmsim_obs_text, &n, "unreadable");
		return n;
	}
	for (i = 0; i < nvmas; i++) {
		if (uvmsim_vmas[i].lo)
			outside += (uvmsim_vmas[i].end - uvmsim_vmas[i].start)
			    - uvmsim_own_bytes(uvmsim_vmas[i].start, uvmsim_vmas[i].end);
	}
	locked = (uint64_t)lck > outside ? (uint64_t)lck - outside : 0;
	uvmsim_put(uvmsim_obs_text, sizeof uvmsim_obs_text, &n, "locked ");
	uvmsim_put_u64(uvmsim_obs_text, sizeof uvmsim_obs_text, &n, locked);
	for (i = 0; i < UVMSIM_NVALS; i++) {
		uint64_t start, pages, k;
		if (bnd[i] == B_UNBOUND || ekind[i] != E_MAP)
			continue;
		start = bnd[i] == B_RAW ? val[i] : uvmsim_real(val[i], 0);
		pages = uvmsim_obs_pages(val[i], ext[i]);
		start &= ~(pg - 1);
		uvmsim_put(uvmsim_obs_text, sizeof uvmsim_obs_text, &n, " ");
		uvmsim_put(uvmsim_obs_text, sizeof uvmsim_obs_text, &n, uvmsim_val_name[i]);
		uvmsim_put(uvmsim_obs_text, sizeof uvmsim_obs_text, &n, "=");
		for (k = 0; k < pages && n + 1 < sizeof uvmsim_obs_text; k++) {
			uint64_t at = start + k * pg;
			struct uvmsim_vma *v = at < start ? NULL : uvmsim_vma_at(at);
			unsigned char in = 0;
			char c;
			if (v == NULL)
				c = '-';
			else {
				int res = mincore((void *)(uintptr_t)at, (size_t)pg, &in) == 0 && (in & 1) != 0;
				c = v->lf ? (res ? 'F' : 'f') : v->lo ? (res ? 'L' : 'l') : res ? 'r' : '.';
			}
			uvmsim_obs_text[n++] = c;
			uvmsim_obs_text[n] = '\0';
		}
	}
	return n;
}
#else
static int uvmsim_image(uint64_t *lockable, uint64_t *total)
{
	*lockable = *total = 0;
	return -1;
}

static size_t uvmsim_observe_self(void)
{
	static const char unreadable[] = "unreadable";

	memcpy(uvmsim_obs_text, unreadable, sizeof unreadable);
	return sizeof unreadable - 1;
}
#endif

/* A worker's answer to an observe command for line (cmd.line = -line). */
static void uvmsim_observe_reply(int line)
{
	struct uvmsim_obs_hdr h;

	h.line = line;
	h.len = (int32_t)uvmsim_observe_self();
	if (uvmsim_write(ack_fd[me][1], &h, sizeof h) != 0
	    || uvmsim_write(ack_fd[me][1], uvmsim_obs_text, (size_t)h.len) != 0)
		_exit(3);
}

/* Prints segment slot i's part of the digest, read from /proc/sysvipc/shm (Linux), after *sep. */
static void uvmsim_observe_segment(int i, const char **sep)
{
#if defined(__linux__)
	static char text[1 << 20];
	ssize_t n, got = 0;
	int fd = open("/proc/sysvipc/shm", O_RDONLY);
	char *l;

	if (fd >= 0) {
		while (got + 1 < (ssize_t)sizeof text && (n = read(fd, text + got, sizeof text - 1 - (size_t)got)) > 0)
			got += n;
		close(fd);
	}
	text[got] = '\0';
	/* key shmid perms(octal) size cpid lpid nattch ... */
	for (l = strchr(text, '\n'); l != NULL && l[1] != '\0'; l = strchr(l + 1, '\n')) {
		char *p;
		unsigned long long id, perms, nattch;
		(void)strtoll(l + 1, &p, 10);
		id = strtoull(p, &p, 10);
		if (id != val[i])
			continue;
		perms = strtoull(p, &p, 8);
		(void)strtoull(p, &p, 10);
		(void)strtoull(p, &p, 10);
		(void)strtoull(p, &p, 10);
		nattch = strtoull(p, &p, 10);
		printf("%ssegment %s yes locked=%s dest=%s nattch=%llu", *sep, uvmsim_val_name[i],
		    (perms & 02000) != 0 ? "yes" : "no", (perms & 01000) != 0 ? "yes" : "no", nattch);
		*sep = " | ";
		return;
	}
	printf("%ssegment %s no", *sep, uvmsim_val_name[i]);
	*sep = " | ";
#else
	(void)i;
	(void)sep;
#endif
}

/*
 * After line: prints the observed digest (the comment above), when UVMSIM_OBSERVE is set.
 * A worker that does not answer is killed and left out, as the model leaves out a process
 * that is gone; its line printed (no answer) already.
 */
static UVMSIM_UNUSED void uvmsim_observe(int line)
{
	static char text[UVMSIM_OBS_SIZE];
	const char *sep = "";
	int p, i;

#if !defined(__linux__)
	(void)text;
	return;
#endif
	if (!observing)
		return;
	printf("@ %d: ", line);
	for (p = 0; p < UVMSIM_NPROCS; p++) {
		struct uvmsim_cmd c;
		struct uvmsim_obs_hdr h;
		if (pstate[p] != ST_RUNNING)
			continue;
		memset(&c, 0, sizeof c);
		c.line = -line;
		memcpy(c.val, val, sizeof val);
		memcpy(c.bnd, bnd, sizeof bnd);
		memcpy(c.ext, ext, sizeof ext);
		memcpy(c.ekind, ekind, sizeof ekind);
		if (uvmsim_write(cmd_fd[p][1], &c, sizeof c) != 0
		    || uvmsim_read_from(ack_fd[p][0], &h, sizeof h, UVMSIM_ACK_TIMEOUT_MS, proc_pid[p]) != 0
		    || h.line != line || h.len < 0 || (size_t)h.len >= sizeof text
		    || uvmsim_read_from(ack_fd[p][0], text, (size_t)h.len, UVMSIM_ACK_TIMEOUT_MS, proc_pid[p]) != 0) {
			kill(proc_pid[p], SIGKILL);
			pstate[p] = ST_GONE;
			continue;
		}
		text[h.len] = '\0';
		printf("%sproc %s %s", sep, uvmsim_proc_name[p], text);
		sep = " | ";
	}
	for (i = 0; i < UVMSIM_NVALS; i++) {
		if (bnd[i] != B_UNBOUND && ekind[i] == E_SEG)
			uvmsim_observe_segment(i, &sep);
	}
	printf("\n");
	fflush(stdout);
}

/* A worker: serves scenario process `me` until told to quit (or orphaned). */
static void uvmsim_serve(void)
{
	signal(SIGCHLD, SIG_IGN);  /* children forked by `fork` lines are reaped by the kernel */
	for (;;) {
		struct uvmsim_cmd c;
		struct uvmsim_ack a;
		int who = me, idle = 0;

		while (uvmsim_wait_fd(cmd_fd[me][0], 1000) <= 0) {
			if (++idle > UVMSIM_IDLE_LIMIT_S || (kill(coord_pid, 0) != 0 && errno == ESRCH))
				_exit(3);
		}
		if (uvmsim_read(cmd_fd[me][0], &c, sizeof c, 1000) != 0)
			_exit(3);
		memset(&a, 0, sizeof a);
		a.line = c.line;
		if (c.line == 0) {
			a.kind = A_EXIT;
			(void)uvmsim_write(ack_fd[me][1], &a, sizeof a);
			_exit(0);
		}
		memcpy(val, c.val, sizeof val);
		memcpy(bnd, c.bnd, sizeof bnd);
		memcpy(ext, c.ext, sizeof ext);
		memcpy(ekind, c.ekind, sizeof ekind);
		if (c.line < 0) {
			uvmsim_observe_reply(-c.line);
			continue;
		}
		uvmsim_do_line(c.line, &a);
		if (me != who)
			continue;  /* the child of a `fork` line: now serving its own pipe */
		if (uvmsim_write(ack_fd[me][1], &a, sizeof a) != 0 || a.kind == A_EXIT)
			_exit(0);
	}
}

static void uvmsim_say(int line, const char *text, const char *actual)
{
	printf("  %d: %s  => %s\n", line, text, actual);
	fflush(stdout);
}

static UVMSIM_UNUSED void uvmsim_note(const char *text)
{
	printf("# %s\n", text);
	fflush(stdout);
}

/* `proc NAME [uid=N] [gid=N]`: a worker forked from the coordinator (uid -1: root). */
static UVMSIM_UNUSED void uvmsim_start_proc(int p, const char *name, long uid, long gid)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("# proc %s: fork failed: errno %d\n", name, errno);
		fflush(stdout);
		pstate[p] = ST_GONE;
		return;
	}
	if (pid == 0) {
		struct uvmsim_ack a;
		uint64_t lockable, total;
		me = p;
		if (uid >= 0 && geteuid() == 0) {
			gid_t g = (gid_t)gid;
			if (setgroups(1, &g) != 0 || setgid(g) != 0 || setuid((uid_t)uid) != 0)
				_exit(4);
		}
#if defined(__linux__)
		/* Dies with the coordinator (set after setuid, which clears it). */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != coord_pid)
			_exit(3);
#endif
		/* The worker's image (SPEC 17.1), measured once, before any line: the coordinator
		   prints it and the model runs with machine image=LOCKABLE:TOTAL. */
		memset(&a, 0, sizeof a);
		a.line = -1;
		if (uvmsim_image(&lockable, &total) == 0) {
			a.kind = A_OK;
			a.value = lockable;
			a.extent = total;
			a.heap_start = (uint64_t)(uintptr_t)sbrk(0);  /* where brk's heap starts */
		} else
			a.kind = A_NOTE;
		if (uvmsim_write(ack_fd[me][1], &a, sizeof a) != 0)
			_exit(3);
		uvmsim_serve();
		_exit(0);
	}
	proc_pid[p] = pid;
	pstate[p] = ST_RUNNING;
	uvmsim_journal("pid", (long)pid, NULL);
	{
		struct uvmsim_ack a;
		if (uvmsim_read_from(ack_fd[p][0], &a, sizeof a, UVMSIM_ACK_TIMEOUT_MS, pid) != 0 || a.line != -1) {
			printf("# proc %s: did not start\n", name);
			kill(pid, SIGKILL);
			pstate[p] = ST_GONE;
		} else if (a.kind == A_OK)
			printf("# image %s %" PRIu64 ":%" PRIu64 " brk=0x%" PRIx64 "\n", name, a.value, a.extent, (uint64_t)a.heap_start);
		fflush(stdout);
	}
	if (uid >= 0 && geteuid() != 0) {
		printf("# proc %s: not root, so it keeps this program's uid instead of uid %ld\n", name, uid);
		fflush(stdout);
	}
}

/* A line with no user-level equivalent: printed, and its NAME left unbound. */
static UVMSIM_UNUSED void uvmsim_not_reproducible(int line, const char *text, int bind)
{
	uvmsim_say(line, text, UVMSIM_TEXT_NOT_REPRODUCIBLE);
	if (bind >= 0)
		bnd[bind] = B_UNBOUND;
}

/* `file NAME SIZE [ro]`: a temporary file of SIZE bytes, removed at the end. */
static UVMSIM_UNUSED void uvmsim_make_file(int line, const char *text, int f, uint64_t size)
{
	char path[PATH_MAX + 16], buf[32];
	int fd, e = 0;

	uvmsim_file_path(f, path, sizeof path);
	/* A new file in the program's own directory: never an existing file, never a link. */
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (fd < 0)
		e = errno;
	else {
		files_made[f] = 1;
		/* Every worker, whatever its uid, may open it read-write (LINUX.md A.8: mincore and
		   shared write mappings need it; uid= workers are not the coordinator). */
		if (fchmod(fd, 0666) != 0)
			e = errno;
		if (ftruncate(fd, (off_t)size) != 0)
			e = errno;
		close(fd);
	}
	if (e == 0)
		uvmsim_say(line, text, UVMSIM_TEXT_OK_PREFIX "0");
	else
		uvmsim_say(line, text, uvmsim_errno_name(e, buf, sizeof buf));
}

#define UVMSIM_SHM_CREATE 1

/*
 * A call line run by scenario process p: checks that the process runs and that every name
 * it uses is bound (else "unbound", as `uvmsim run` reports it), sends the line, waits for
 * the ack and prints the result (an address in the arena as the model's: uvmsim_ok_address).
 * bind: the NAME slot it binds (-1: none); child: the process a `fork` line declares (-1:
 * none); flags: UVMSIM_SHM_CREATE or 0.
 */
static UVMSIM_UNUSED void uvmsim_call(int line, int p, const char *text, const int *uses, int nuses,
    int bind, int child, int flags)
{
	struct uvmsim_cmd c;
	struct uvmsim_ack a;
	char buf[64];
	int i;

	if (pstate[p] != ST_RUNNING) {
		uvmsim_say(line, text, pstate[p] == ST_GONE ? UVMSIM_TEXT_PROCESS_GONE : UVMSIM_TEXT_UNBOUND);
		if (bind >= 0)
			bnd[bind] = B_UNBOUND;
		return;
	}
	for (i = 0; i < nuses; i++) {
		if (!bnd[uses[i]]) {
			uvmsim_say(line, text, UVMSIM_TEXT_UNBOUND);
			if (bind >= 0)
				bnd[bind] = B_UNBOUND;
			return;
		}
	}
	memset(&c, 0, sizeof c);
	c.line = line;
	memcpy(c.val, val, sizeof val);
	memcpy(c.bnd, bnd, sizeof bnd);
	memcpy(c.ext, ext, sizeof ext);
	memcpy(c.ekind, ekind, sizeof ekind);
	if (uvmsim_write(cmd_fd[p][1], &c, sizeof c) != 0
	    || uvmsim_read_from(ack_fd[p][0], &a, sizeof a, UVMSIM_ACK_TIMEOUT_MS, proc_pid[p]) != 0
	    || a.line != line) {
		uvmsim_say(line, text, UVMSIM_TEXT_NO_ANSWER);
		kill(proc_pid[p], SIGKILL);
		pstate[p] = ST_GONE;
		if (bind >= 0)
			bnd[bind] = B_UNBOUND;
		return;
	}
	switch (a.kind) {
	case A_OK:
	case A_EXIT:
		snprintf(buf, sizeof buf, UVMSIM_TEXT_OK_PREFIX "%" PRIx64, a.value);
		uvmsim_say(line, text, buf);
		if (bind >= 0) {
			val[bind] = a.value;
			bnd[bind] = (unsigned char)a.vkind;
			ekind[bind] = (unsigned char)a.ekind;
			ext[bind] = a.extent;
		}
		if (child >= 0) {
			proc_pid[child] = (pid_t)a.value;
			pstate[child] = ST_RUNNING;
			uvmsim_journal("pid", (long)a.value, NULL);
		}
		if ((flags & UVMSIM_SHM_CREATE) != 0 && nshm < UVMSIM_MAX_SEGMENTS) {
			uvmsim_journal("shm", (long)a.value, NULL);
			shm_ids[nshm++] = (int)a.value;
		}
		if (a.kind == A_EXIT) {
			pstate[p] = ST_GONE;
			uvmsim_wait_gone(proc_pid[p]);
		}
		break;
	case A_ERR:
		uvmsim_say(line, text, uvmsim_errno_name(a.err, buf, sizeof buf));
		if (bind >= 0)
			bnd[bind] = B_UNBOUND;
		break;
	default:
		uvmsim_say(line, text,
		    a.kind == A_FOREIGN ? UVMSIM_TEXT_OVERLAPS
		    : a.kind == A_UNCHECKED ? UVMSIM_TEXT_UNCHECKED
		    : UVMSIM_TEXT_NOT_ON_THIS_SYSTEM);
		if (bind >= 0)
			bnd[bind] = B_UNBOUND;
		break;
	}
}

enum { SEG_EXISTS, SEG_NATTCH };

/*
 * `check segment ID exists|nattch`, read with IPC_STAT by the coordinator: exists is "no"
 * once the id is invalid (EINVAL; NetBSD already says so after IPC_RMID, Linux only once
 * the segment is freed).
 */
static UVMSIM_UNUSED void uvmsim_check_segment(int line, const char *text, const int *uses, int nuses,
    uint64_t id, int what)
{
	struct shmid_ds ds;
	char buf[64];
	int i;

	for (i = 0; i < nuses; i++) {
		if (!bnd[uses[i]]) {
			uvmsim_say(line, text, UVMSIM_TEXT_UNBOUND);
			return;
		}
	}
	if (shmctl((int)id, IPC_STAT, &ds) != 0) {
		int e = errno;
		if (what == SEG_EXISTS && e == EINVAL)
			uvmsim_say(line, text, "no");
		else
			uvmsim_say(line, text, uvmsim_errno_name(e, buf, sizeof buf));
		return;
	}
	if (what == SEG_EXISTS)
		uvmsim_say(line, text, "yes");
	else {
		snprintf(buf, sizeof buf, "%lu", (unsigned long)ds.shm_nattch);
		uvmsim_say(line, text, buf);
	}
}

/* Ends every worker, reaps the coordinator's children, removes segments and files. */
static void uvmsim_finish(void)
{
	int p, waited;

	for (p = 0; p < UVMSIM_NPROCS; p++) {
		struct uvmsim_cmd c;
		struct uvmsim_ack a;
		if (pstate[p] != ST_RUNNING)
			continue;
		memset(&c, 0, sizeof c);
		if (uvmsim_write(cmd_fd[p][1], &c, sizeof c) != 0
		    || uvmsim_read(ack_fd[p][0], &a, sizeof a, UVMSIM_QUIT_TIMEOUT_MS) != 0)
			kill(proc_pid[p], SIGKILL);
		pstate[p] = ST_GONE;
	}
	for (waited = 0; waited < 200; waited++) {
		pid_t r = waitpid(-1, NULL, WNOHANG);
		if (r < 0 && errno == ECHILD)
			break;
		if (r <= 0)
			(void)poll(NULL, 0, 10);
	}
	uvmsim_remove_all();
}

static void uvmsim_lines(void);

/* The whole scenario; 0 when it ran to the end. */
static int uvmsim_main(void)
{
	struct sigaction sa;
	long ps = sysconf(_SC_PAGESIZE);
	int p;

	if (ps > 0)
		pg = (uint64_t)ps;
#if defined(__linux__)
	{
		/* The worker's image must be the same in every run (SPEC 17.1): ASLR off, by
		   re-executing this program under ADDR_NO_RANDOMIZE (once: the personality is
		   inherited), and no transparent huge pages (a touch must fault one page in). */
		int pers = personality(0xffffffff);
		if (pers != -1 && (pers & ADDR_NO_RANDOMIZE) == 0
		    && personality((unsigned long)pers | ADDR_NO_RANDOMIZE) != -1) {
			static char self[] = "/proc/self/exe";
			static char *const args[] = { self, NULL };
			(void)execv(self, args);  /* on failure: go on, with ASLR */
		}
		(void)prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	}
#endif
	/* stdout's buffer is static: the coordinator never grows its heap, so every worker it
	   forks starts with the same break (the model's heap starts there, docs/linux.md). */
	{
		static char outbuf[BUFSIZ];
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	}
	observing = getenv("UVMSIM_OBSERVE") != NULL;
	coord_pid = getpid();
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = uvmsim_on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = uvmsim_on_stop;
	sigfillset(&sa.sa_mask);  /* one cleanup at a time */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (uvmsim_own_files() != 0)
		return 1;
	for (p = 0; p < UVMSIM_NPROCS; p++) {
		if (pipe(cmd_fd[p]) != 0 || pipe(ack_fd[p]) != 0) {
			perror("uvmsim: pipe");
			return 1;
		}
	}
	alarm(UVMSIM_ALARM_S);
	uvmsim_lines();
#ifdef UVMSIM_TEST_HOLD
	/* Tests of the cleanup (cc -DUVMSIM_TEST_HOLD): wait here, everything made, for a signal. */
	printf("# holding\n");
	fflush(stdout);
	for (;;)
		pause();
#endif
	uvmsim_finish();
	alarm(0);
	printf(UVMSIM_TEXT_RAN_TO_THE_END "\n");
	fflush(stdout);
	return 0;
}
