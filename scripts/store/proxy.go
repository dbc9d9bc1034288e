package main

// FerretDB v1 runs an update as "query, then write" with nothing in between to stop another
// connection's write from slipping in, so concurrent `$inc`s on one document lose increments
// and two conditional updates can both match. MongoDB does these as single-document atomic
// writes, and the app relies on that. This proxy restores it: clients talk to the proxy, which
// forwards each wire-protocol message to FerretDB and lets only one state-changing command be
// in flight at a time, from any connection. Reads pass through concurrently. SQLite admits one
// writer at a time anyway, so this costs little throughput.
//
// Which commands are serialised (writeCommands): every command FerretDB v1.24 implements that
// changes stored state. The data writes (insert, update, delete, findAndModify) because of the
// query-then-write above. The schema changes (create, createIndexes, drop, dropIndexes,
// dropDatabase, renameCollection, collMod, compact) because they change the table or the
// collection metadata an in-flight update has already looked at: a drop between an upsert's
// query and its write re-creates the collection without its indexes, a rename moves the
// documents away under it. The user commands (createUser, updateUser, dropUser,
// dropAllUsersFromDatabase) are read-modify-writes of the users collection. `bulkWrite`
// (MongoDB 8's cluster-wide command; FerretDB v1 answers "no such command") is listed so a
// store that learns it stays safe. `aggregate` is a read: FerretDB v1.24 refuses `$out` and
// `$merge`. A command in neither list (a newer FerretDB's) is serialised: correct first, and
// the test that compares these lists with FerretDB's listCommands fails until it is sorted.
//
// The lock is taken once the whole request has been read from the client and released as
// soon as FerretDB's reply has been read, before the reply is relayed, so a slow client never
// holds it. A write that waits longer than the lock timeout for it is answered with a
// LockTimeout error (code 24) instead of waiting on. A fire-and-forget request (OP_MSG with
// moreToCome) is forwarded as an acknowledged one and its reply dropped: the lock is then held
// until FerretDB has really done the write, and since FerretDB v1 ignores moreToCome and
// answers anyway, its reply can no longer be taken for the answer to the client's next request.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

const (
	opReply       = 1
	opQuery       = 2004
	opMsg         = 2013
	headerLen     = 16
	maxMessageLen = 48_000_000 // FerretDB's (and MongoDB's) maxMessageSizeBytes

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1

	codeLockTimeout = 24 // MongoDB's LockTimeout: not a retryable or "node is down" code for drivers
)

// writeCommands are serialised; see the comment at the top. Names are compared lower-cased.
var writeCommands = setOf(
	"insert", "update", "delete", "findAndModify", "bulkWrite",
	"create", "createIndexes", "drop", "dropIndexes", "dropDatabase", "renameCollection", "collMod", "compact",
	"createUser", "updateUser", "dropUser", "dropAllUsersFromDatabase",
)

// readCommands pass through concurrently: they change nothing stored (or only connection and
// cursor state, which is per connection or kept by FerretDB under its own locks).
var readCommands = setOf(
	"aggregate", "buildInfo", "collStats", "connectionStatus", "count", "currentOp", "dataSize", "dbStats",
	"debugError", "distinct", "explain", "find", "getCmdLineOpts", "getFreeMonitoringStatus", "getLog", "getMore",
	"getParameter", "hello", "hostInfo", "isMaster", "killCursors", "listCollections", "listCommands",
	"listDatabases", "listIndexes", "logout", "ping", "saslContinue", "saslStart", "serverStatus",
	"setFreeMonitoring", "usersInfo", "validate", "whatsmyuri",
	// Sent by drivers, unknown to FerretDB v1 (answered "no such command" at once).
	"endSessions", "killSessions", "abortTransaction", "commitTransaction",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = true
	}
	return m
}

// serialised tells whether a command (as returned by commandName) must hold the write lock.
// Messages that carry no command ("") are not: FerretDB refuses them without touching data.
func serialised(cmd string) bool {
	if cmd == "" {
		return false
	}
	return writeCommands[cmd] || !readCommands[cmd]
}

// proxy forwards clients' wire-protocol messages to one backend, serialising writes.
type proxy struct {
	backend     string
	lockTimeout time.Duration // <= 0: wait for the lock as long as it takes
	lock        chan struct{} // capacity 1: held by the write in flight
	logf        func(format string, args ...any)
	// observe, if set, is told about each request before it is forwarded (tests).
	observe func(cmd string, msg []byte, serialised bool)
}

func newProxy(backend string, lockTimeout time.Duration) *proxy {
	return &proxy{backend: backend, lockTimeout: lockTimeout, lock: make(chan struct{}, 1), logf: log.Printf}
}

// serve accepts clients until ctx ends or the listener is closed.
func (p *proxy) serve(ctx context.Context, listener net.Listener) {
	stop := context.AfterFunc(ctx, func() { _ = listener.Close() })
	defer stop()
	for {
		client, err := listener.Accept()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				p.logf("store proxy: accept: %v", err)
			}
			return
		}
		go p.handle(client)
	}
}

// handle serves one client connection over its own backend connection, one request at a time.
func (p *proxy) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.backend)
	if err != nil {
		p.logf("store proxy: dial backend: %v", err)
		return
	}
	defer server.Close()
	for {
		req, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				p.logf("store proxy: read request: %v", err)
			}
			return
		}
		cmd := commandName(req)
		write := serialised(cmd)
		if p.observe != nil {
			p.observe(cmd, req, write)
		}
		if write {
			err = p.write(req, cmd, client, server)
		} else {
			err = p.read(req, client, server)
		}
		if err != nil {
			return
		}
	}
}

// read forwards a request that needs no lock and relays its replies.
func (p *proxy) read(req []byte, client, server net.Conn) error {
	if moreToCome(req) {
		// FerretDB v1 ignores moreToCome and answers anyway; the client expects nothing.
		// Ask for the answer explicitly and drop it, so replies never shift by one.
		_, err := exchange(acknowledged(req), server)
		return err
	}
	reply, err := exchange(req, server)
	if err != nil {
		return err
	}
	return relay(reply, client, server)
}

// write forwards a request under the write lock.
func (p *proxy) write(req []byte, cmd string, client, server net.Conn) error {
	fireAndForget := moreToCome(req)
	if !p.acquire() {
		p.logf("store proxy: %s waited %s for the write lock and was refused", cmd, p.lockTimeout)
		if fireAndForget {
			return nil // nobody waits for an answer: dropped (and logged)
		}
		_, err := client.Write(lockTimeoutReply(req, cmd, p.lockTimeout))
		return err
	}
	if fireAndForget {
		req = acknowledged(req)
	}
	reply, err := exchange(req, server)
	p.release()
	if err != nil || fireAndForget {
		return err
	}
	return relay(reply, client, server)
}

func (p *proxy) acquire() bool {
	select {
	case p.lock <- struct{}{}:
		return true
	default:
	}
	if p.lockTimeout <= 0 {
		p.lock <- struct{}{}
		return true
	}
	timer := time.NewTimer(p.lockTimeout)
	defer timer.Stop()
	select {
	case p.lock <- struct{}{}:
		return true
	case <-timer.C:
		return false
	}
}

func (p *proxy) release() { <-p.lock }

// exchange sends a request and reads its (first) reply.
func exchange(req []byte, server net.Conn) ([]byte, error) {
	if _, err := server.Write(req); err != nil {
		return nil, err
	}
	return readMessage(server)
}

// relay writes a reply to the client, then the further replies while the server sets moreToCome
// (exhaust cursors).
func relay(reply []byte, client, server net.Conn) error {
	for {
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if !moreToCome(reply) {
			return nil
		}
		var err error
		if reply, err = readMessage(server); err != nil {
			return err
		}
	}
}

// readMessage reads one whole wire-protocol message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var header [headerLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if length < headerLen || length > maxMessageLen {
		return nil, fmt.Errorf("bad message length %d", length)
	}
	msg := make([]byte, length)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func requestID(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[4:8])) }

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

// msgFlags are an OP_MSG's flagBits.
func msgFlags(msg []byte) uint32 {
	if opCode(msg) != opMsg || len(msg) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[16:20])
}

func moreToCome(msg []byte) bool { return msgFlags(msg)&flagMoreToCome != 0 }

// msgBody returns the body (the kind-0 section's document) of an OP_MSG, wherever it sits among
// the document-sequence (kind-1) sections, or nil if the message is malformed.
func msgBody(msg []byte) []byte {
	if opCode(msg) != opMsg || len(msg) < headerLen+4 {
		return nil
	}
	end := len(msg)
	if msgFlags(msg)&flagChecksumPresent != 0 {
		end -= 4
	}
	for i := headerLen + 4; i < end; {
		kind := msg[i]
		i++
		if i+4 > end {
			return nil
		}
		size := int(int32(binary.LittleEndian.Uint32(msg[i : i+4])))
		if size < 5 || size > end-i {
			return nil
		}
		switch kind {
		case 0:
			return msg[i : i+size]
		case 1:
			i += size
		default:
			return nil
		}
	}
	return nil
}

// queryDoc returns the query document of an OP_QUERY on a `<db>.$cmd` namespace (a command), or nil.
func queryDoc(msg []byte) []byte {
	if opCode(msg) != opQuery {
		return nil
	}
	i := headerLen + 4 // flags
	nsEnd := i
	for nsEnd < len(msg) && msg[nsEnd] != 0 {
		nsEnd++
	}
	if nsEnd >= len(msg) || !strings.HasSuffix(string(msg[i:nsEnd]), ".$cmd") {
		return nil
	}
	i = nsEnd + 1 + 8 // numberToSkip, numberToReturn
	if i+5 > len(msg) {
		return nil
	}
	size := int(int32(binary.LittleEndian.Uint32(msg[i : i+4])))
	if size < 5 || size > len(msg)-i {
		return nil
	}
	return msg[i : i+size]
}

// firstKey is the name of a BSON document's first element.
func firstKey(doc []byte) string {
	if len(doc) < 6 || doc[4] == 0 {
		return ""
	}
	for end := 5; end < len(doc); end++ {
		if doc[end] == 0 {
			return string(doc[5:end])
		}
	}
	return ""
}

// commandName is the lower-cased command of an OP_MSG or an OP_QUERY command, "" for anything else.
func commandName(msg []byte) string {
	var doc []byte
	switch opCode(msg) {
	case opMsg:
		doc = msgBody(msg)
	case opQuery:
		doc = queryDoc(msg)
	}
	return strings.ToLower(firstKey(doc))
}

// acknowledged turns a fire-and-forget OP_MSG into one that gets a reply: moreToCome cleared
// (and the checksum dropped, as it would no longer match).
func acknowledged(msg []byte) []byte {
	fl := msgFlags(msg)
	out := append([]byte(nil), msg...)
	if fl&flagChecksumPresent != 0 {
		out = out[:len(out)-4]
	}
	binary.LittleEndian.PutUint32(out[0:4], uint32(len(out)))
	binary.LittleEndian.PutUint32(out[16:20], fl&^(flagMoreToCome|flagChecksumPresent))
	return out
}

var replyIDs atomic.Int32

// lockTimeoutReply is the error a refused write gets, in the reply format of its request.
func lockTimeoutReply(req []byte, cmd string, waited time.Duration) []byte {
	doc, err := bson.Marshal(bson.D{
		{Key: "ok", Value: 0.0},
		{Key: "errmsg", Value: fmt.Sprintf("store: %s waited %s for the write lock; retry later", cmd, waited)},
		{Key: "code", Value: int32(codeLockTimeout)},
		{Key: "codeName", Value: "LockTimeout"},
	})
	if err != nil {
		panic(err) // a fixed document of plain values always marshals
	}
	var body []byte
	var op int32
	if opCode(req) == opQuery {
		op = opReply
		body = make([]byte, 4+8+4+4) // responseFlags, cursorID, startingFrom, numberReturned
		binary.LittleEndian.PutUint32(body[16:20], 1)
	} else {
		op = opMsg
		body = []byte{0, 0, 0, 0, 0} // flagBits, section kind 0
	}
	body = append(body, doc...)
	msg := make([]byte, headerLen, headerLen+len(body))
	binary.LittleEndian.PutUint32(msg[0:4], uint32(headerLen+len(body)))
	binary.LittleEndian.PutUint32(msg[4:8], uint32(replyIDs.Add(1)))
	binary.LittleEndian.PutUint32(msg[8:12], uint32(requestID(req)))
	binary.LittleEndian.PutUint32(msg[12:16], uint32(op))
	return append(msg, body...)
}
