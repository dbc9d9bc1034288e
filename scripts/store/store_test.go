package main

// Shared fixtures: one real FerretDB (SQLite handler, embedded in-process as main.go does) on a
// temporary folder for the whole package, proxies in front of it, and the MongoDB Go driver as
// the client. Each test uses its own database.

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

var (
	backendAddr string // FerretDB's own listener (no proxy)
	sqliteDir   string // where FerretDB keeps one <database>.sqlite file per database
)

func TestMain(m *testing.M) {
	os.Exit(runWithFerretDB(m))
}

func runWithFerretDB(m *testing.M) int {
	dir, err := os.MkdirTemp("", "lsg-store-test-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	sqliteDir = dir
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	u, err := url.Parse(f.MongoDBURI())
	if err != nil {
		panic(err)
	}
	backendAddr = u.Host
	code := m.Run()
	cancel()
	<-done
	return code
}

// observed is what a test proxy saw: one entry per request.
type observed struct {
	cmd           string
	serialised    bool
	moreToCome    bool
	docSequences  int // kind-1 sections
	checksumFlags bool
}

type testProxy struct {
	*proxy
	uri  string
	addr string
	mu   sync.Mutex
	seen []observed
}

// startProxy runs a proxy in front of the shared FerretDB until the test ends.
func startProxy(t *testing.T, lockTimeout time.Duration) *testProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tp := &testProxy{proxy: newProxy(backendAddr, lockTimeout), addr: l.Addr().String()}
	tp.uri = "mongodb://" + tp.addr + "/"
	var ended atomic.Bool // connections may still close (and log) after the test
	tp.logf = func(format string, args ...any) {
		if !ended.Load() {
			t.Logf(format, args...)
		}
	}
	tp.observe = func(cmd string, msg []byte, serialised bool) {
		tp.mu.Lock()
		defer tp.mu.Unlock()
		tp.seen = append(tp.seen, observed{
			cmd: cmd, serialised: serialised, moreToCome: moreToCome(msg),
			docSequences: countDocSequences(msg), checksumFlags: msgFlags(msg)&flagChecksumPresent != 0,
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tp.serve(ctx, l); close(done) }()
	t.Cleanup(func() {
		ended.Store(true)
		cancel()
		<-done
	})
	return tp
}

// take returns what was seen so far and forgets it.
func (tp *testProxy) take() []observed {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	s := tp.seen
	tp.seen = nil
	return s
}

func countDocSequences(msg []byte) int {
	if opCode(msg) != opMsg {
		return 0
	}
	n := 0
	end := len(msg)
	if msgFlags(msg)&flagChecksumPresent != 0 {
		end -= 4
	}
	for i := headerLen + 4; i+5 <= end; {
		kind := msg[i]
		size := int(binary.LittleEndian.Uint32(msg[i+1 : i+5]))
		if kind == 1 {
			n++
		}
		i += 1 + size
	}
	return n
}

// connect opens a driver client; the pool is wide so concurrent tests really are concurrent.
func connect(t *testing.T, uri string, opts ...*options.ClientOptions) *mongo.Client {
	t.Helper()
	all := append([]*options.ClientOptions{
		options.Client().ApplyURI(uri).SetMaxPoolSize(16).SetServerSelectionTimeout(5 * time.Second).SetRetryWrites(false),
	}, opts...)
	c, err := mongo.Connect(context.Background(), all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

func testDB(t *testing.T, c *mongo.Client) *mongo.Database {
	name := strings.ToLower(strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if len(name) > 50 {
		name = name[:50]
	}
	db := c.Database(name)
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	return db
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// --- hand-built wire messages ---

var nextRequestID int32 = 1000

func header(length int, reqID, responseTo, op int32) []byte {
	h := make([]byte, headerLen)
	binary.LittleEndian.PutUint32(h[0:4], uint32(length))
	binary.LittleEndian.PutUint32(h[4:8], uint32(reqID))
	binary.LittleEndian.PutUint32(h[8:12], uint32(responseTo))
	binary.LittleEndian.PutUint32(h[12:16], uint32(op))
	return h
}

func mustBSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type section struct {
	kind byte
	id   string   // kind 1
	docs [][]byte // kind 1
	body []byte   // kind 0
}

// buildMsg builds an OP_MSG from sections in the given order; with checksum it appends 4 bytes
// (FerretDB never sees such a message from the proxy's fire-and-forget path; framing only).
func buildMsg(reqID int32, flags uint32, checksum bool, sections ...section) []byte {
	if checksum {
		flags |= flagChecksumPresent
	}
	var payload []byte
	payload = binary.LittleEndian.AppendUint32(payload, flags)
	for _, s := range sections {
		payload = append(payload, s.kind)
		if s.kind == 0 {
			payload = append(payload, s.body...)
			continue
		}
		size := 4 + len(s.id) + 1
		for _, d := range s.docs {
			size += len(d)
		}
		payload = binary.LittleEndian.AppendUint32(payload, uint32(size))
		payload = append(payload, s.id...)
		payload = append(payload, 0)
		for _, d := range s.docs {
			payload = append(payload, d...)
		}
	}
	if checksum {
		payload = append(payload, 0xde, 0xad, 0xbe, 0xef)
	}
	return append(header(headerLen+len(payload), reqID, 0, opMsg), payload...)
}

func buildQuery(reqID int32, ns string, query []byte) []byte {
	var payload []byte
	payload = binary.LittleEndian.AppendUint32(payload, 0)
	payload = append(payload, ns...)
	payload = append(payload, 0)
	payload = binary.LittleEndian.AppendUint32(payload, 0)
	payload = binary.LittleEndian.AppendUint32(payload, uint32(0xffffffff)) // numberToReturn -1
	payload = append(payload, query...)
	return append(header(headerLen+len(payload), reqID, 0, opQuery), payload...)
}

// replyDoc returns the document of an OP_MSG (body) or OP_REPLY (first document) reply.
func replyDoc(t *testing.T, reply []byte) bson.Raw {
	t.Helper()
	switch opCode(reply) {
	case opMsg:
		return bson.Raw(msgBody(reply))
	case opReply:
		return bson.Raw(reply[headerLen+20:])
	}
	t.Fatalf("unexpected reply op code %d", opCode(reply))
	return nil
}

func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}
