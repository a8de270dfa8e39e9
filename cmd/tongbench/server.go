package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx" for CREATE/DROP DATABASE

	"github.com/tongban/tongban/internal/apperr"
)

// buildServer compiles ./cmd/tongban into bin/tongban, so the benchmark
// never measures a stale binary.
func buildServer(ctx context.Context) (string, error) {
	out := filepath.Join("bin", "tongban")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, "./cmd/tongban")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		e := apperr.New(apperr.Internal, "bench.build", "无法编译 tongban（请在仓库根目录运行）", "cannot build tongban (run from the repository root)")
		e.Err = fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
		return "", e
	}
	return out, nil
}

// target is where one scenario's data lives: a data directory and, for
// PostgreSQL, a fresh database of its own.
type target struct {
	dialect string
	dataDir string
	dsn     string // "" for SQLite
	drop    func() error
}

// newTarget makes a fresh temp directory and, for PostgreSQL, a fresh
// database; release removes both unless keep is set.
func (b *bench) newTarget(ctx context.Context, scenario, dialect string) (*target, error) {
	dir, err := os.MkdirTemp("", "tongbench-"+scenario+"-"+dialect+"-")
	if err != nil {
		return nil, apperr.Wrap(err, "create temp directory")
	}
	t := &target{dialect: dialect, dataDir: dir}
	if dialect == DialectPostgres {
		dsn, drop, err := freshPostgres(ctx, b.cfg.Postgres)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		t.dsn, t.drop = dsn, drop
	}
	return t, nil
}

// release drops the database and removes the directory.
func (t *target) release(keep bool) error {
	if keep {
		return nil
	}
	var err error
	if t.drop != nil {
		err = t.drop()
	}
	return errors.Join(err, os.RemoveAll(t.dataDir))
}

// freshPostgres creates tongbench_<random> on the server at base and
// returns its URL and a function that drops it.
func freshPostgres(ctx context.Context, base string) (string, func() error, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, apperr.New(apperr.Invalid, "bench.postgres", "PostgreSQL 地址无效", "the PostgreSQL URL is invalid").
			WithField("postgres", "invalid", "PostgreSQL 地址无效", "the PostgreSQL URL is invalid")
	}
	admin, err := sql.Open("pgx", base)
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = admin.PingContext(pctx)
		cancel()
	}
	if err != nil {
		e := apperr.Newf(apperr.Internal, "bench.postgres_down", "PostgreSQL（%s）无法连接；请运行 make services，或用 -dialects sqlite 跳过",
			"PostgreSQL (%s) does not answer; run make services, or skip it with -dialects sqlite", u.Host)
		e.Err = err
		return "", nil, e
	}
	admin.SetMaxOpenConns(1)
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	name := "tongbench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, apperr.Wrap(err, "create database "+name)
	}
	drop := func() error {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		// FORCE ends connections a killed server may have left behind.
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return apperr.Wrap(err, "drop database "+name)
		}
		return nil
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// server is a running tongban serve process.
type server struct {
	cmd  *exec.Cmd
	base string
	log  string // its stderr, for failures
	done chan error

	mu      sync.Mutex
	peakRSS int64 // KiB, the largest VmRSS sampled
	stop    chan struct{}
	sampled chan struct{}
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before the server binds; the start then fails loudly.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, apperr.Wrap(err, "find a free port")
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startServer runs `tongban serve` on the target and waits for /healthz.
func (b *bench) startServer(ctx context.Context, t *target) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"serve", "--data", t.dataDir, "--addr", addr, "--catalog", b.cfg.Catalog, "--log-level", "warn"}
	if t.dsn != "" {
		args = append(args, "--db", t.dsn)
	}
	logPath := filepath.Join(t.dataDir, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, apperr.Wrap(err, "create server log")
	}
	cmd := exec.Command(b.bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, apperr.Wrap(err, "start "+b.bin)
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logPath, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(b.cfg.ServerStart)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			return nil, s.failure("the server exited during start-up", err)
		case <-ctx.Done():
			s.kill()
			return nil, apperr.Wrap(ctx.Err(), "wait for server")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, s.failure(fmt.Sprintf("no answer on /healthz within %s", b.cfg.ServerStart), nil)
		}
	}
	return s, nil
}

// failure describes a server that failed, with the end of its log.
func (s *server) failure(what string, cause error) error {
	tail, _ := os.ReadFile(s.log)
	if len(tail) > 2000 {
		tail = tail[len(tail)-2000:]
	}
	e := apperr.New(apperr.Internal, "bench.server", "被测服务未能正常运行", "the server under test did not run")
	e.Err = fmt.Errorf("%s (%v); log tail:\n%s", what, cause, tail)
	return e
}

// pid returns the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// procStatus reads a field in KiB (VmRSS, VmHWM) from /proc/PID/status.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, apperr.Wrap(err, "read process status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != field {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, apperr.Wrap(err, "parse "+field)
		}
		return n, nil
	}
	return 0, apperr.Wrap(fmt.Errorf("no %s in /proc/%d/status", field, pid), "read process status")
}

// sampleRSS samples VmRSS every interval until stopSampling; the largest
// value is kept. It measures the load, not start-up.
func (s *server) sampleRSS(interval time.Duration) {
	s.stop, s.sampled = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.sampled)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if kb, err := procStatus(s.pid(), "VmRSS"); err == nil {
				s.mu.Lock()
				s.peakRSS = max(s.peakRSS, kb)
				s.mu.Unlock()
			}
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
}

// stopSampling ends sampling and returns the peak VmRSS sampled (KiB).
func (s *server) stopSampling() int64 {
	if s.stop != nil {
		close(s.stop)
		<-s.sampled
		s.stop = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakRSS
}

// shutdown stops the server with SIGTERM (a graceful stop), then SIGKILL
// after a grace period. It returns the VmHWM (peak RSS over the process
// life, KiB) read just before.
func (s *server) shutdown() int64 {
	hwm, _ := procStatus(s.pid(), "VmHWM")
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.kill()
	}
	return hwm
}

// kill ends the server at once.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// serverTime reads the server's own request-duration histogram from
// /metrics and returns the mean time it spent on one route (its handler,
// session check and JSON included; not the network or the client). The
// gap to the client's figure is queueing for CPU and the transport.
func (s *server) serverTime(ctx context.Context, route string) (time.Duration, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/metrics", nil)
	if err != nil {
		return 0, 0, apperr.Wrap(err, "metrics request")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, apperr.Wrap(err, "read /metrics")
	}
	defer resp.Body.Close()
	var sum float64
	var count int
	label := `route="` + route + `"`
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, label) {
			continue
		}
		name, rest, _ := strings.Cut(line, "{")
		_, val, _ := strings.Cut(rest, "} ")
		switch name {
		case "tongban_http_request_duration_seconds_sum":
			sum, _ = strconv.ParseFloat(strings.TrimSpace(val), 64)
		case "tongban_http_request_duration_seconds_count":
			count, _ = strconv.Atoi(strings.TrimSpace(val))
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, apperr.Wrap(err, "read /metrics")
	}
	if count == 0 {
		return 0, 0, apperr.Wrap(fmt.Errorf("no samples for route %q in /metrics", route), "read /metrics")
	}
	return time.Duration(sum / float64(count) * float64(time.Second)), count, nil
}

// reportServerTime logs the server-side mean of a route next to the
// client's figures; a missing metric is only a warning.
func (b *bench) reportServerTime(ctx context.Context, srv *server, scenario, dialect, route string) {
	mean, n, err := srv.serverTime(ctx, route)
	if err != nil {
		b.logf("warning: server-side time of %s: %s", route, apperr.Describe(err))
		return
	}
	b.logf("server-side mean of %s: %s over %d requests", route, ms(mean), n)
	b.sum.Add(Row{Scenario: scenario, Dialect: dialect, Metric: "server-side mean (from /metrics)", Value: ms(mean)})
}
