// Command devdb runs a private PostgreSQL cluster for development and tests.
//
// The cluster lives in .data/pg under the repository root, listens on
// 127.0.0.1 only (port $DEVDB_PORT, default 54329) and keeps its unix socket in
// .data/pg-run, so it never collides with a system-wide PostgreSQL.
//
// Usage:
//
//	go run ./cmd/devdb url     # init + start if needed, print the connection URL
//	go run ./cmd/devdb status  # print whether the server is running
//	go run ./cmd/devdb stop    # stop the server (the data is kept)
//
// Only the URL is printed on stdout, so `DATABASE_URL=$(go run ./cmd/devdb url)`
// works; all progress messages go to stderr.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

const (
	defaultPort = 54329
	dbUser      = "kefudesk"
	dbName      = "kefudesk"

	installHint = "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin. Install them: sudo apt-get install postgresql  (or set DATABASE_URL to an existing database)"
)

// errNotFound marks the missing-binaries case, whose message must be printed verbatim.
var errNotFound = errors.New(installHint)

func main() {
	if len(os.Args) != 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "url":
		err = cmdURL()
	case "stop":
		err = cmdStop()
	case "status":
		err = cmdStatus()
	default:
		usage()
	}
	if errors.Is(err, errNotFound) {
		fmt.Fprintln(os.Stderr, installHint)
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devdb:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: devdb url|status|stop")
	os.Exit(2)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "devdb: "+format+"\n", args...)
}

// layout holds every path devdb uses; all are absolute so that commands run
// as another user (see runner) or from another directory see the same files.
type layout struct {
	root    string // repository root (directory containing go.mod)
	dataDir string // .data
	pgData  string // .data/pg: the cluster
	sockDir string // .data/pg-run: unix socket directory
	logFile string // .data/pg.log: server log
	lock    string // .data/devdb.lock: serialises concurrent invocations
	port    int
}

func newLayout() (*layout, error) {
	root, err := findRepoRoot()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(root, ".data")
	port, err := portFromEnv()
	if err != nil {
		return nil, err
	}
	if port == 0 {
		if port, err = rememberedPort(data); err != nil {
			return nil, err
		}
	}
	return &layout{
		root:    root,
		dataDir: data,
		pgData:  filepath.Join(data, "pg"),
		sockDir: filepath.Join(data, "pg-run"),
		logFile: filepath.Join(data, "pg.log"),
		lock:    filepath.Join(data, "devdb.lock"),
		port:    port,
	}, nil
}

// findRepoRoot walks up from the working directory to the directory holding
// go.mod, so devdb works from any subdirectory (e.g. `go test` in a package dir).
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("get working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found in the working directory or any parent; run devdb inside the repository")
		}
		dir = parent
	}
}

// rememberedPort is the port this checkout's cluster uses: chosen once, the
// first free one from defaultPort up, and kept in .data/pg.port. Another
// checkout on the same machine (a CI clone, say) then gets its own port
// instead of failing against ours.
func rememberedPort(dataDir string) (int, error) {
	file := filepath.Join(dataDir, "pg.port")
	if b, err := os.ReadFile(file); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 {
			return p, nil
		}
	}
	for p := defaultPort; p < defaultPort+100; p++ {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		ln.Close()
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return 0, fmt.Errorf("create %s: %w", dataDir, err)
		}
		if err := os.WriteFile(file, []byte(strconv.Itoa(p)+"\n"), 0o644); err != nil {
			return 0, fmt.Errorf("remember port: %w", err)
		}
		return p, nil
	}
	return 0, fmt.Errorf("no free port in %d-%d; set DEVDB_PORT", defaultPort, defaultPort+99)
}

// portFromEnv returns DEVDB_PORT, or 0 when unset.
func portFromEnv() (int, error) {
	s := os.Getenv("DEVDB_PORT")
	if s == "" {
		return 0, nil
	}
	port, err := strconv.Atoi(s)
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("DEVDB_PORT=%q is not a valid port", s)
	}
	// 5432 is where a system PostgreSQL usually listens; sharing it would mix
	// dev/test data with whatever else is on the machine.
	if port == 5432 {
		return 0, errors.New("DEVDB_PORT=5432 is reserved for a system PostgreSQL; pick another port")
	}
	return port, nil
}

func (l *layout) url() string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", dbUser, l.port, dbName)
}

func (l *layout) initialized() bool {
	_, err := os.Stat(filepath.Join(l.pgData, "PG_VERSION"))
	return err == nil
}

// serverOptions are passed to postgres via `pg_ctl -o`. pg_ctl hands them to
// /bin/sh, hence the quoting of the socket path.
func (l *layout) serverOptions() string {
	return strings.Join([]string{
		"-c listen_addresses=127.0.0.1",
		"-c port=" + strconv.Itoa(l.port),
		"-c unix_socket_directories=" + shellQuote(l.sockDir),
		// This is a throwaway dev/test cluster: trade crash safety for speed.
		// A crash may corrupt it; delete .data/pg and it is recreated.
		"-c fsync=off",
		"-c synchronous_commit=off",
		"-c full_page_writes=off",
		// Parallel test packages each open their own pools.
		"-c max_connections=200",
	}, " ")
}

// binaries are the PostgreSQL programs devdb drives.
type binaries struct {
	initdb, pgCtl, postgres string
	psql                    string // may be empty: only needed by `url`
}

// findBinaries prefers PATH (the user's explicit choice), then the newest
// Debian-style install under /usr/lib/postgresql/*/bin, which is not on PATH
// by default.
func findBinaries() (*binaries, error) {
	if b, ok := binariesOnPath(); ok {
		b.psql = findPsql(b.initdb)
		return b, nil
	}
	for _, dir := range debianBinDirs() {
		b := &binaries{
			initdb:   filepath.Join(dir, "initdb"),
			pgCtl:    filepath.Join(dir, "pg_ctl"),
			postgres: filepath.Join(dir, "postgres"),
		}
		if isExecutable(b.initdb) && isExecutable(b.pgCtl) && isExecutable(b.postgres) {
			b.psql = findPsql(b.initdb)
			return b, nil
		}
	}
	return nil, errNotFound
}

func binariesOnPath() (*binaries, bool) {
	var paths [3]string
	for i, name := range []string{"initdb", "pg_ctl", "postgres"} {
		p, err := exec.LookPath(name)
		if err != nil {
			return nil, false
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		paths[i] = p
	}
	return &binaries{initdb: paths[0], pgCtl: paths[1], postgres: paths[2]}, true
}

// debianBinDirs returns /usr/lib/postgresql/<version>/bin, newest version first.
func debianBinDirs() []string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		return versionLess(versionOf(dirs[j]), versionOf(dirs[i]))
	})
	return dirs
}

// versionOf parses "15" or "9.6" out of /usr/lib/postgresql/<v>/bin.
func versionOf(binDir string) []int {
	var v []int
	for _, part := range strings.Split(filepath.Base(filepath.Dir(binDir)), ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			n = -1 // non-numeric names sort last
		}
		v = append(v, n)
	}
	return v
}

func versionLess(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// findPsql prefers the psql matching the server (next to initdb, following a
// symlink such as /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb),
// then any psql on PATH.
func findPsql(initdb string) string {
	var dirs []string
	if real, err := filepath.EvalSymlinks(initdb); err == nil {
		dirs = append(dirs, filepath.Dir(real))
	}
	dirs = append(dirs, filepath.Dir(initdb))
	for _, d := range dirs {
		if p := filepath.Join(d, "psql"); isExecutable(p) {
			return p
		}
	}
	if p, err := exec.LookPath("psql"); err == nil {
		return p
	}
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode().Perm()&0o111 != 0
}

// runner executes PostgreSQL programs. PostgreSQL refuses to run as root, so
// when we are root every command runs as an unprivileged system user instead.
type runner struct {
	asUser *user.User // nil: run as ourselves
	uid    int
	gid    int
	dir    string // working directory for commands; must be reachable by asUser
}

func newRunner(l *layout) (*runner, error) {
	r := &runner{dir: l.dataDir}
	if os.Geteuid() != 0 {
		return r, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		u, err = user.Lookup("nobody")
		if err != nil {
			return nil, errors.New("running as root, but neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as (PostgreSQL refuses to run as root)")
		}
	}
	r.asUser = u
	if r.uid, err = strconv.Atoi(u.Uid); err != nil {
		return nil, fmt.Errorf("parse uid of user %s: %w", u.Username, err)
	}
	if r.gid, err = strconv.Atoi(u.Gid); err != nil {
		return nil, fmt.Errorf("parse gid of user %s: %w", u.Username, err)
	}
	return r, nil
}

// command builds an exec.Cmd for name+args, wrapped in runuser (or su) when
// running as root. Child output goes to stderr: stdout is reserved for the URL.
func (r *runner) command(name string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	switch {
	case r.asUser == nil:
		cmd = exec.Command(name, args...)
	case hasRunuser():
		cmd = exec.Command("runuser", append([]string{"-u", r.asUser.Username, "--", name}, args...)...)
	default:
		quoted := make([]string, 0, len(args)+1)
		for _, a := range append([]string{name}, args...) {
			quoted = append(quoted, shellQuote(a))
		}
		cmd = exec.Command("su", "-s", "/bin/sh", "-c", strings.Join(quoted, " "), r.asUser.Username)
	}
	cmd.Dir = r.dir
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	// Fail fast instead of hanging on a server that does not answer.
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
	return cmd
}

// run runs a command and wraps a failure with what was being attempted.
func (r *runner) run(what, name string, args ...string) error {
	if err := r.command(name, args...).Run(); err != nil {
		return fmt.Errorf("%s: %s %s: %w", what, filepath.Base(name), strings.Join(args, " "), err)
	}
	return nil
}

func hasRunuser() bool {
	_, err := exec.LookPath("runuser")
	return err == nil
}

// shellQuote quotes s for /bin/sh using single quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// prepareDirs creates the cluster and socket directories and, when root,
// hands them and the log file to the unprivileged user.
func (r *runner) prepareDirs(l *layout) error {
	for _, d := range []string{l.pgData, l.sockDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	if r.asUser == nil {
		return nil
	}
	if err := r.checkTraversable(l.dataDir); err != nil {
		return err
	}
	// pg_ctl opens the log in append mode as the unprivileged user, and .data
	// itself stays root-owned, so the file must exist and belong to that user.
	f, err := os.OpenFile(l.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("create log file: %w", err)
	}
	f.Close()
	for _, p := range []string{l.pgData, l.sockDir, l.logFile} {
		if err := chownR(p, r.uid, r.gid); err != nil {
			return fmt.Errorf("chown %s to %s: %w", p, r.asUser.Username, err)
		}
	}
	return nil
}

// checkTraversable verifies the unprivileged user can reach dir: every
// directory from / down to dir needs search (x) permission for that user,
// otherwise initdb/postgres fail with an obscure "permission denied".
func (r *runner) checkTraversable(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("stat %s: %w", d, err)
		}
		if !r.canSearch(fi) {
			return fmt.Errorf("user %q (PostgreSQL cannot run as root) cannot traverse directory %s (mode %v): "+
				"run `chmod o+x %s` or move the repository somewhere that user can reach", r.asUser.Username, d, fi.Mode().Perm(), d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// canSearch approximates the kernel's permission check (ignoring ACLs and
// supplementary groups) for execute/search permission on a directory.
func (r *runner) canSearch(fi fs.FileInfo) bool {
	perm := fi.Mode().Perm()
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return perm&0o001 != 0
	}
	switch {
	case int(st.Uid) == r.uid:
		return perm&0o100 != 0
	case int(st.Gid) == r.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

func chownR(root string, uid, gid int) error {
	return filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// lock takes an exclusive flock on .data/devdb.lock, so that parallel
// invocations (e.g. `make -j`) do not race to initdb or start the server.
// The lock is released when the process exits; the file is close-on-exec,
// so the postmaster started under it does not inherit it.
func lock(l *layout) (release func(), err error) {
	if err := os.MkdirAll(l.dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", l.dataDir, err)
	}
	f, err := os.OpenFile(l.lock, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", l.lock, err)
	}
	return func() { f.Close() }, nil
}

// cluster ties the layout, binaries and runner together.
type cluster struct {
	l   *layout
	bin *binaries
	r   *runner
}

func newCluster() (*cluster, error) {
	l, err := newLayout()
	if err != nil {
		return nil, err
	}
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	r, err := newRunner(l)
	if err != nil {
		return nil, err
	}
	return &cluster{l: l, bin: bin, r: r}, nil
}

// running asks pg_ctl whether a postmaster is alive for the data dir
// (exit 0: running, 3: not running, 4: no usable data dir).
func (c *cluster) running() (bool, error) {
	if !c.l.initialized() {
		return false, nil
	}
	cmd := c.r.command(c.bin.pgCtl, "status", "-D", c.l.pgData)
	cmd.Stdout, cmd.Stderr = nil, nil // "no server running" is not an error here
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exitErr) && (exitErr.ExitCode() == 3 || exitErr.ExitCode() == 4):
		return false, nil
	default:
		return false, fmt.Errorf("pg_ctl status -D %s: %w", c.l.pgData, err)
	}
}

// runningPort reads the port from postmaster.pid (4th line), or 0 if unknown.
func (c *cluster) runningPort() int {
	b, err := os.ReadFile(filepath.Join(c.l.pgData, "postmaster.pid"))
	if err != nil {
		return 0
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0
	}
	port, _ := strconv.Atoi(strings.TrimSpace(lines[3]))
	return port
}

func (c *cluster) initdb() error {
	if c.l.initialized() {
		return nil
	}
	if entries, err := os.ReadDir(c.l.pgData); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty but has no PG_VERSION (a failed initdb?); remove it and retry", c.l.pgData)
	}
	if err := c.r.prepareDirs(c.l); err != nil {
		return err
	}
	logf("initializing cluster in %s", c.l.pgData)
	// --no-sync: a throwaway cluster need not wait for the disk.
	base := []string{"-D", c.l.pgData, "-U", dbUser, "--auth=trust", "-E", "UTF8", "--no-sync"}
	err := c.r.run("initdb", c.bin.initdb, append(base, "--locale=C.UTF-8")...)
	if err == nil {
		return nil
	}
	// Some systems lack the C.UTF-8 locale; initdb cleans the directory up
	// on failure, so plain C can be retried in place.
	logf("initdb with --locale=C.UTF-8 failed (%v); retrying with --locale=C", err)
	return c.r.run("initdb", c.bin.initdb, append(base, "--locale=C")...)
}

func (c *cluster) start() error {
	if err := c.r.prepareDirs(c.l); err != nil {
		return err
	}
	logf("starting PostgreSQL on 127.0.0.1:%d (log: %s)", c.l.port, c.l.logFile)
	err := c.r.run("start server", c.bin.pgCtl, "start", "-D", c.l.pgData, "-l", c.l.logFile,
		"-w", "-t", "60", "-o", c.l.serverOptions())
	if err != nil {
		printLogTail(c.l.logFile, 20)
		return err
	}
	return nil
}

// printLogTail shows the end of the server log, where the real reason for a
// failed start (port in use, version mismatch, ...) is written.
func printLogTail(path string, n int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	logf("last lines of %s:", path)
	for _, line := range lines {
		fmt.Fprintln(os.Stderr, "  "+line)
	}
}

func (c *cluster) psql(sql string) *exec.Cmd {
	// -X: ignore ~/.psqlrc; -w: never prompt for a password (auth is trust).
	return c.r.command(c.bin.psql, "-X", "-w", "-v", "ON_ERROR_STOP=1",
		"-h", "127.0.0.1", "-p", strconv.Itoa(c.l.port), "-U", dbUser, "-d", "postgres", "-tAc", sql)
}

func (c *cluster) ensureDatabase() error {
	if c.bin.psql == "" {
		return errors.New("psql not found next to the server binaries or on PATH; install it: sudo apt-get install postgresql-client")
	}
	cmd := c.psql("SELECT 1 FROM pg_database WHERE datname='" + dbName + "'")
	cmd.Stdout = nil
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("check whether database %s exists: %w", dbName, err)
	}
	if strings.TrimSpace(string(out)) == "1" {
		return nil
	}
	logf("creating database %s", dbName)
	if err := c.psql("CREATE DATABASE " + dbName).Run(); err != nil {
		return fmt.Errorf("create database %s: %w", dbName, err)
	}
	return nil
}

func cmdURL() error {
	c, err := newCluster()
	if err != nil {
		return err
	}
	release, err := lock(c.l)
	if err != nil {
		return err
	}
	defer release()

	if err := c.initdb(); err != nil {
		return err
	}
	up, err := c.running()
	if err != nil {
		return err
	}
	if up {
		// A server started with another DEVDB_PORT would make the URL lie.
		if p := c.runningPort(); p != 0 && p != c.l.port {
			return fmt.Errorf("server is already running on port %d, not %d; run `go run ./cmd/devdb stop` first or set DEVDB_PORT=%d", p, c.l.port, p)
		}
	} else if err := c.start(); err != nil {
		return err
	}
	if err := c.ensureDatabase(); err != nil {
		return err
	}
	fmt.Println(c.l.url())
	return nil
}

func cmdStop() error {
	l, err := newLayout()
	if err != nil {
		return err
	}
	if !l.initialized() {
		logf("no cluster in %s; nothing to stop", l.pgData)
		return nil
	}
	c, err := newCluster()
	if err != nil {
		return err
	}
	release, err := lock(c.l)
	if err != nil {
		return err
	}
	defer release()

	up, err := c.running()
	if err != nil {
		return err
	}
	if !up {
		logf("not running")
		return nil
	}
	return c.r.run("stop server", c.bin.pgCtl, "stop", "-D", c.l.pgData, "-m", "fast", "-w")
}

func cmdStatus() error {
	l, err := newLayout()
	if err != nil {
		return err
	}
	if !l.initialized() {
		fmt.Printf("not running (no cluster in %s)\n", l.pgData)
		return nil
	}
	c, err := newCluster()
	if err != nil {
		return err
	}
	up, err := c.running()
	if err != nil {
		return err
	}
	if !up {
		fmt.Println("not running")
		return nil
	}
	port := c.runningPort()
	if port == 0 {
		port = l.port
	}
	fmt.Printf("running on 127.0.0.1:%d (data: %s)\n", port, l.pgData)
	return nil
}
