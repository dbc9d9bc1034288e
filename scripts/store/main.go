// Command store runs FerretDB v1 embedded, with the SQLite handler, on a loopback port,
// behind a small proxy that makes single-document writes atomic (proxy.go).
// It prints one JSON line {"uri": "...", "version": "..."} on stdout once it accepts connections,
// and stops when it receives SIGINT/SIGTERM or when its stdin is closed (so a crashed parent
// never leaves an orphan store behind).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only when STORE_PPROF names an address (diagnostics)
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

// ferretVersion is the FerretDB module version this binary was built with (pinned in go.mod).
// The embeddable package leaves its own version "unknown", so it is set from the build info,
// and buildInfo then reports it to clients as ferretdbVersion.
func ferretVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/FerretDB/FerretDB" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

// envLockTimeout is the lock timeout from STORE_LOCK_TIMEOUT_MS (milliseconds), 10 s if unset:
// twice the app's request deadline, and long enough for a large insertMany batch ahead in line.
func envLockTimeout() time.Duration {
	v := os.Getenv("STORE_LOCK_TIMEOUT_MS")
	if v == "" {
		return 10 * time.Second
	}
	ms, err := strconv.Atoi(v)
	if err != nil || ms < 0 {
		log.Fatalf("store: STORE_LOCK_TIMEOUT_MS must be a whole number of milliseconds (0 = no limit), not %q", v)
	}
	return time.Duration(ms) * time.Millisecond
}

// tuneGC sets the collector's pace unless GOGC or GOMEMLIMIT say otherwise. FerretDB decodes and
// re-encodes every document it reads or writes (JSON in SQLite, BSON on the wire), so the store
// allocates a lot per operation while its live heap stays small (tens of MB); with Go's default
// GOGC=100 the collector and the scavenger returning memory to the OS took ~18 % of the store's
// CPU under the submission benchmark, and raising it to 400 halved the store's CPU per submission
// (docs/performance.md). The memory limit keeps the price bounded: near it the collector runs as
// often as it needs to, whatever GOGC says.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}

func main() {
	tuneGC()
	dataDir := flag.String("data", "./data", "folder for the SQLite databases")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin is closed")
	idIndex := flag.Bool("id-index", true, "keep an index on the expression FerretDB looks _id up with (idindex.go)")
	lockTimeout := flag.Duration("lock-timeout", envLockTimeout(),
		"longest a write waits for the write lock before it is refused with LockTimeout; 0 waits forever (env STORE_LOCK_TIMEOUT_MS)")
	flag.Parse()

	dir, err := filepath.Abs(filepath.Join(*dataDir, "sqlite"))
	if err != nil {
		log.Fatalf("store: bad data dir: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatalf("store: cannot create %s: %v", dir, err)
	}

	version.Get().Version = ferretVersion()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		log.Fatalf("store: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	// STORE_PPROF=127.0.0.1:6060 serves Go's profiler (e.g. `go tool pprof
	// http://127.0.0.1:6060/debug/pprof/profile?seconds=10`) while a benchmark runs; off by default.
	if addr := os.Getenv("STORE_PPROF"); addr != "" {
		go func() { log.Printf("store: pprof: %v", http.ListenAndServe(addr, nil)) }()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI blocks until FerretDB's own (internal) listener is bound.
	internal, err := url.Parse(f.MongoDBURI())
	if err != nil {
		log.Fatalf("store: %v", err)
	}
	// Clients connect through the write-serialising proxy (see proxy.go).
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("store: listen %s: %v", *listen, err)
	}
	go newProxy(internal.Host, *lockTimeout).serve(ctx, listener)
	if *idIndex {
		go keepIDIndexes(ctx, dir, time.Second)
	}
	uri := "mongodb://" + listener.Addr().String() + "/"
	out, _ := json.Marshal(map[string]string{"uri": uri, "version": "FerretDB " + ferretVersion() + " (SQLite)"})
	fmt.Println(string(out))

	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("store: %v", err)
	}
}
