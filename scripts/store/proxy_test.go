package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"
)

// --- framing, on hand-built messages ---

func TestCommandNameOfEveryMessageKind(t *testing.T) {
	insert := mustBSON(t, bson.D{{Key: "insert", Value: "c"}, {Key: "$db", Value: "d"}})
	doc := mustBSON(t, bson.D{{Key: "_id", Value: 1}})
	seq := section{kind: 1, id: "documents", docs: [][]byte{doc, doc}}
	cases := []struct {
		name string
		msg  []byte
		want string
	}{
		{"OP_MSG body only", buildMsg(1, 0, false, section{kind: 0, body: insert}), "insert"},
		{"OP_MSG body then document sequence", buildMsg(1, 0, false, section{kind: 0, body: insert}, seq), "insert"},
		{"OP_MSG document sequence before the body", buildMsg(1, 0, false, seq, section{kind: 0, body: insert}), "insert"},
		{"OP_MSG two sequences around the body", buildMsg(1, 0, false, seq, section{kind: 0, body: insert}, seq), "insert"},
		{"OP_MSG with checksum", buildMsg(1, 0, true, section{kind: 0, body: insert}), "insert"},
		{"OP_MSG moreToCome", buildMsg(1, flagMoreToCome, false, section{kind: 0, body: insert}), "insert"},
		{"OP_MSG camel case", buildMsg(1, 0, false, section{kind: 0, body: mustBSON(t, bson.D{{Key: "findAndModify", Value: "c"}})}), "findandmodify"},
		{"OP_MSG empty body", buildMsg(1, 0, false, section{kind: 0, body: mustBSON(t, bson.D{})}), ""},
		{"OP_MSG sequence only", buildMsg(1, 0, false, seq), ""},
		{"OP_MSG unknown section kind", buildMsg(1, 0, false, section{kind: 2, body: insert}), ""},
		{"OP_QUERY command", buildQuery(1, "admin.$cmd", mustBSON(t, bson.D{{Key: "isMaster", Value: 1}})), "ismaster"},
		{"OP_QUERY on a collection", buildQuery(1, "d.c", mustBSON(t, bson.D{{Key: "insert", Value: 1}})), ""},
		{"OP_REPLY", append(header(36, 1, 0, opReply), make([]byte, 20)...), ""},
		{"OP_COMPRESSED", append(header(25, 1, 0, 2012), make([]byte, 9)...), ""},
	}
	for _, c := range cases {
		if got := commandName(c.msg); got != c.want {
			t.Errorf("%s: commandName = %q, want %q", c.name, got, c.want)
		}
	}

	// Truncated and lying lengths never panic and never yield a command.
	full := buildMsg(1, 0, false, seq, section{kind: 0, body: insert})
	for n := headerLen; n < len(full); n++ {
		cut := append([]byte(nil), full[:n]...)
		binary.LittleEndian.PutUint32(cut[0:4], uint32(n))
		if got := commandName(cut); got != "" {
			t.Fatalf("truncated to %d bytes: commandName = %q", n, got)
		}
	}
	lying := append([]byte(nil), full...)
	binary.LittleEndian.PutUint32(lying[headerLen+5:], 0x7fffffff) // the sequence's size
	if got := commandName(lying); got != "" {
		t.Fatalf("oversized section: commandName = %q", got)
	}
}

func TestReadMessageFraming(t *testing.T) {
	a := buildMsg(1, 0, false, section{kind: 0, body: mustBSON(t, bson.D{{Key: "ping", Value: 1}})})
	big := buildMsg(2, 0, false, section{kind: 0, body: mustBSON(t, bson.D{{Key: "x", Value: strings.Repeat("y", 16<<20)}})})
	r := bytes.NewReader(slices.Concat(a, big, a[:10]))
	for i, want := range [][]byte{a, big} {
		got, err := readMessage(r)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("message %d: err %v, %d bytes, want %d", i, err, len(got), len(want))
		}
	}
	if _, err := readMessage(r); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated header: %v", err)
	}
	if _, err := readMessage(bytes.NewReader(a[:len(a)-1])); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated body: %v", err)
	}
	for _, n := range []int{0, headerLen - 1, maxMessageLen + 1, -1} {
		h := header(headerLen, 1, 0, opMsg)
		binary.LittleEndian.PutUint32(h[0:4], uint32(int32(n)))
		if _, err := readMessage(bytes.NewReader(h)); err == nil || !strings.Contains(err.Error(), "bad message length") {
			t.Fatalf("length %d: %v", n, err)
		}
	}
}

func TestAcknowledgedClearsMoreToComeAndChecksum(t *testing.T) {
	body := mustBSON(t, bson.D{{Key: "insert", Value: "c"}})
	msg := buildMsg(7, flagMoreToCome, true, section{kind: 0, body: body})
	ack := acknowledged(msg)
	if moreToCome(ack) || msgFlags(ack)&flagChecksumPresent != 0 {
		t.Fatalf("flags %b", msgFlags(ack))
	}
	if int(binary.LittleEndian.Uint32(ack[0:4])) != len(ack) || len(ack) != len(msg)-4 {
		t.Fatalf("length %d / %d", binary.LittleEndian.Uint32(ack[0:4]), len(ack))
	}
	if !bytes.Equal(msgBody(ack), body) || requestID(ack) != 7 {
		t.Fatal("body or request id changed")
	}
	if !moreToCome(msg) {
		t.Fatal("the original message was modified")
	}
}

// --- which commands are serialised ---

// Every command FerretDB implements is classified; a FerretDB upgrade that adds one fails here.
func TestEveryFerretDBCommandIsClassified(t *testing.T) {
	c := connect(t, "mongodb://"+backendAddr+"/")
	var res struct {
		Commands map[string]bson.Raw `bson:"commands"`
	}
	if err := c.Database("admin").RunCommand(ctxT(t), bson.D{{Key: "listCommands", Value: 1}}).Decode(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Commands) < 30 {
		t.Fatalf("listCommands gave %d commands", len(res.Commands))
	}
	for name := range res.Commands {
		l := strings.ToLower(name)
		if writeCommands[l] == readCommands[l] {
			t.Errorf("command %q is in %s", name, map[bool]string{true: "both lists", false: "neither list"}[writeCommands[l]])
		}
	}
	for _, w := range []string{"insert", "update", "delete", "findandmodify", "createindexes", "dropindexes", "drop", "bulkwrite"} {
		if !serialised(w) {
			t.Errorf("%s is not serialised", w)
		}
	}
	for _, r := range []string{"find", "getmore", "killcursors", "aggregate", "hello", "ismaster", "endsessions", ""} {
		if serialised(r) {
			t.Errorf("%q is serialised", r)
		}
	}
	if !serialised("somefuturecommand") {
		t.Error("an unknown command is not serialised")
	}
}

// The real driver's messages for every kind of write are recognised and serialised, reads are not.
func TestDriverWritesAreSerialised(t *testing.T) {
	tp := startProxy(t, 5*time.Second)
	c := connect(t, tp.uri)
	ctx := ctxT(t)
	db := testDB(t, c)
	coll := db.Collection("items")
	tp.take()

	type step struct {
		want string // command name the proxy must see, serialised
		run  func() error
	}
	id := func(i int) bson.D { return bson.D{{Key: "_id", Value: i}} }
	steps := []step{
		{"create", func() error { return db.CreateCollection(ctx, "made") }},
		{"insert", func() error { _, err := coll.InsertOne(ctx, id(1)); return err }},
		{"insert", func() error {
			_, err := coll.InsertMany(ctx, []any{id(2), id(3), id(4), id(5)})
			return err
		}},
		{"update", func() error {
			_, err := coll.UpdateOne(ctx, id(1), bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}})
			return err
		}},
		{"update", func() error {
			_, err := coll.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: "s", Value: "x"}}}})
			return err
		}},
		{"update", func() error { _, err := coll.ReplaceOne(ctx, id(2), bson.D{{Key: "r", Value: 1}}); return err }},
		{"update", func() error {
			_, err := coll.UpdateOne(ctx, id(9), bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "u", Value: 1}}}},
				options.Update().SetUpsert(true))
			return err
		}},
		{"findandmodify", func() error {
			return coll.FindOneAndUpdate(ctx, id(1), bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}).Err()
		}},
		{"findandmodify", func() error { return coll.FindOneAndReplace(ctx, id(3), bson.D{{Key: "r", Value: 2}}).Err() }},
		{"findandmodify", func() error { return coll.FindOneAndDelete(ctx, id(4)).Err() }},
		{"delete", func() error { _, err := coll.DeleteOne(ctx, id(5)); return err }},
		{"delete", func() error {
			_, err := coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: 100}}}})
			return err
		}},
		// bulkWrite, ordered: the driver sends one command per run of models of the same kind.
		{"insert,update,update,update,delete,delete", func() error {
			_, err := coll.BulkWrite(ctx, []mongo.WriteModel{
				mongo.NewInsertOneModel().SetDocument(id(20)),
				mongo.NewInsertOneModel().SetDocument(id(21)),
				mongo.NewUpdateOneModel().SetFilter(id(20)).SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "b", Value: 1}}}}),
				mongo.NewUpdateManyModel().SetFilter(id(21)).SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "b", Value: 2}}}}),
				mongo.NewReplaceOneModel().SetFilter(id(20)).SetReplacement(bson.D{{Key: "b", Value: 3}}),
				mongo.NewDeleteOneModel().SetFilter(id(21)),
				mongo.NewDeleteManyModel().SetFilter(id(22)),
			}, options.BulkWrite().SetOrdered(true))
			return err
		}},
		// bulkWrite, unordered: one command per kind.
		{"insert,update,delete", func() error {
			_, err := coll.BulkWrite(ctx, []mongo.WriteModel{
				mongo.NewDeleteOneModel().SetFilter(id(20)),
				mongo.NewInsertOneModel().SetDocument(id(30)),
				mongo.NewUpdateOneModel().SetFilter(id(30)).SetUpdate(bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}),
				mongo.NewInsertOneModel().SetDocument(id(31)),
			}, options.BulkWrite().SetOrdered(false))
			return err
		}},
		{"createindexes", func() error {
			_, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "n", Value: 1}}})
			return err
		}},
		{"createindexes", func() error {
			_, err := coll.Indexes().CreateMany(ctx, []mongo.IndexModel{
				{Keys: bson.D{{Key: "s", Value: 1}}},
				{Keys: bson.D{{Key: "n", Value: -1}, {Key: "s", Value: 1}}, Options: options.Index().SetUnique(false)},
			})
			return err
		}},
		{"dropindexes", func() error { _, err := coll.Indexes().DropOne(ctx, "n_1"); return err }},
		{"dropindexes", func() error { _, err := coll.Indexes().DropAll(ctx); return err }},
		{"renamecollection", func() error {
			return c.Database("admin").RunCommand(ctx, bson.D{
				{Key: "renameCollection", Value: db.Name() + ".made"}, {Key: "to", Value: db.Name() + ".renamed"},
			}).Err()
		}},
		{"drop", func() error { return db.Collection("renamed").Drop(ctx) }},
		{"dropdatabase", func() error { return c.Database(db.Name() + "_other").Drop(ctx) }},
	}
	for i, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("step %d (%s): %v", i, s.want, err)
		}
		var writes []string
		for _, o := range tp.take() {
			if o.serialised {
				writes = append(writes, o.cmd)
			} else if writeCommands[o.cmd] {
				t.Errorf("step %d: write %q not serialised", i, o.cmd)
			}
		}
		if strings.Join(writes, ",") != s.want {
			t.Errorf("step %d: serialised %v, want %s", i, writes, s.want)
		}
	}

	// The driver sends batches as document sequences (kind-1 sections): the body is found anyway.
	_, err := coll.InsertMany(ctx, []any{id(40), id(41)})
	if err != nil {
		t.Fatal(err)
	}
	seen := tp.take()
	if len(seen) != 1 || seen[0].cmd != "insert" || seen[0].docSequences != 1 {
		t.Fatalf("insertMany seen as %+v", seen)
	}

	// Reads are not serialised.
	if _, err := coll.CountDocuments(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.Distinct(ctx, "_id", bson.D{}); err != nil {
		t.Fatal(err)
	}
	cur, err := coll.Aggregate(ctx, mongo.Pipeline{{{Key: "$match", Value: bson.D{}}}})
	if err != nil {
		t.Fatal(err)
	}
	_ = cur.Close(ctx)
	for _, o := range tp.take() {
		if o.serialised {
			t.Errorf("read %q serialised", o.cmd)
		}
	}
}

// --- serialisation restores single-document atomicity ---

func TestConcurrentWritesLoseNothing(t *testing.T) {
	tp := startProxy(t, 10*time.Second)
	ctx := ctxT(t)
	clients := []*mongo.Client{connect(t, tp.uri), connect(t, tp.uri)}
	coll := testDB(t, clients[0]).Collection("counters")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "c"}, {Key: "n", Value: 0}}); err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := clients[w%2].Database(coll.Database().Name()).Collection("counters")
			inc := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}
			for i := range each {
				var err error
				if i%2 == 0 {
					_, err = cl.UpdateOne(ctx, bson.D{{Key: "_id", Value: "c"}}, inc)
				} else {
					err = cl.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "c"}}, inc).Err()
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var got struct{ N int }
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "c"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.N != workers*each {
		t.Fatalf("n = %d after %d concurrent $inc, want %d", got.N, workers*each, workers*each)
	}

	// A conditional update (open → closed) matches exactly once however many race for it.
	const docs, racers = 20, 4
	for i := range docs {
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: i}, {Key: "state", Value: "open"}}); err != nil {
			t.Fatal(err)
		}
	}
	var modified atomic.Int64
	for r := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := clients[r%2].Database(coll.Database().Name()).Collection("counters")
			for i := range docs {
				res, err := cl.UpdateOne(ctx, bson.D{{Key: "_id", Value: i}, {Key: "state", Value: "open"}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: "closed"}, {Key: "by", Value: r}}}})
				if err == nil {
					modified.Add(res.ModifiedCount)
				}
			}
		}()
	}
	wg.Wait()
	if modified.Load() != docs {
		t.Fatalf("%d conditional updates succeeded for %d documents", modified.Load(), docs)
	}
}

// --- the lock timeout ---

func TestLockTimeoutRefusesWritesNotReads(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tp := startProxy(t, timeout)
	ctx := ctxT(t)
	c := connect(t, tp.uri)
	coll := testDB(t, c).Collection("t")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1}}); err != nil {
		t.Fatal(err)
	}

	tp.lock <- struct{}{} // a write that never finishes holds the lock

	started := time.Now()
	_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 2}})
	waited := time.Since(started)
	var ce mongo.CommandError
	if !errors.As(err, &ce) || ce.Code != codeLockTimeout || ce.Name != "LockTimeout" {
		t.Fatalf("insert while the lock is held: %v (%T)", err, err)
	}
	if waited < timeout || waited > timeout+2*time.Second {
		t.Fatalf("refused after %s, want about %s", waited, timeout)
	}
	// findAndModify is refused the same way; reads go on meanwhile.
	if err := coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: 1}}, bson.D{{Key: "$set", Value: bson.D{{Key: "a", Value: 1}}}}).Err(); !errors.As(err, &ce) || ce.Code != codeLockTimeout {
		t.Fatalf("findAndModify while the lock is held: %v", err)
	}
	started = time.Now()
	if n, err := coll.CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("read while the lock is held: %d, %v", n, err)
	}
	if time.Since(started) > timeout {
		t.Fatalf("a read waited %s for the write lock", time.Since(started))
	}

	// OP_QUERY requests get their refusal as an OP_REPLY.
	raw := dialRaw(t, tp.addr)
	if _, err := raw.Write(buildQuery(77, "x.$cmd", mustBSON(t, bson.D{{Key: "insert", Value: "t"}}))); err != nil {
		t.Fatal(err)
	}
	reply, err := readMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	if opCode(reply) != opReply || int32(binary.LittleEndian.Uint32(reply[8:12])) != 77 {
		t.Fatalf("reply op %d to %d", opCode(reply), binary.LittleEndian.Uint32(reply[8:12]))
	}
	if code, _ := replyDoc(t, reply).Lookup("code").Int32OK(); code != codeLockTimeout {
		t.Fatalf("OP_REPLY %v", replyDoc(t, reply))
	}
	// A refused fire-and-forget write is dropped; the connection goes on working.
	ff := buildMsg(78, flagMoreToCome, false, section{kind: 0, body: mustBSON(t, bson.D{
		{Key: "insert", Value: "t"}, {Key: "documents", Value: bson.A{bson.D{{Key: "_id", Value: 3}}}}, {Key: "$db", Value: coll.Database().Name()},
	})})
	ping := buildMsg(79, 0, false, section{kind: 0, body: mustBSON(t, bson.D{{Key: "ping", Value: 1}, {Key: "$db", Value: "admin"}})})
	if _, err := raw.Write(slices.Concat(ff, ping)); err != nil {
		t.Fatal(err)
	}
	if reply, err = readMessage(raw); err != nil || int32(binary.LittleEndian.Uint32(reply[8:12])) != 79 {
		t.Fatalf("after a dropped fire-and-forget write: %v", err)
	}

	tp.release()
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 2}}); err != nil {
		t.Fatalf("insert after the lock is free: %v", err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 2 {
		t.Fatalf("%d documents, want 2 (the refused writes must not have happened)", n)
	}
}

// The lock is released once FerretDB has answered, not once a (slow) client has read the answer.
func TestLockNotHeldWhileTheClientReads(t *testing.T) {
	tp := startProxy(t, 2*time.Second)
	ctx := ctxT(t)
	c := connect(t, tp.uri)
	coll := testDB(t, c).Collection("big")
	// 12 MB of reply cannot fit in the loopback socket buffers, so relaying it blocks until read.
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1}, {Key: "blob", Value: strings.Repeat("b", 12<<20)}}); err != nil {
		t.Fatal(err)
	}
	slow := dialRaw(t, tp.addr)
	fam := buildMsg(5, 0, false, section{kind: 0, body: mustBSON(t, bson.D{
		{Key: "findAndModify", Value: "big"}, {Key: "query", Value: bson.D{{Key: "_id", Value: 1}}},
		{Key: "update", Value: bson.D{{Key: "$set", Value: bson.D{{Key: "seen", Value: true}}}}},
		{Key: "$db", Value: coll.Database().Name()},
	})})
	if _, err := slow.Write(fam); err != nil {
		t.Fatal(err)
	}
	// Wait until the proxy has FerretDB's answer in hand (the document was updated).
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := coll.CountDocuments(ctx, bson.D{{Key: "seen", Value: true}})
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the findAndModify never happened")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	// The slow client has not read a byte; another write must still get through.
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 2}}); err != nil {
		t.Fatalf("a write behind a slow reader: %v", err)
	}
	reply, err := readMessage(slow)
	if err != nil || replyDoc(t, reply).Lookup("ok").Double() != 1 {
		t.Fatalf("the slow client's reply: %v", err)
	}
}

// --- fire-and-forget writes ---

func TestFireAndForgetWrites(t *testing.T) {
	tp := startProxy(t, 10*time.Second)
	ctx := ctxT(t)
	c := connect(t, tp.uri)
	db := testDB(t, c)

	// Hand-built: a moreToCome insert then a find on the same connection. The find's reply is
	// the first the client gets (the insert's is swallowed) and it sees the insert done.
	raw := dialRaw(t, tp.addr)
	ins := buildMsg(10, flagMoreToCome, false, section{kind: 0, body: mustBSON(t, bson.D{
		{Key: "insert", Value: "ff"}, {Key: "$db", Value: db.Name()},
	})}, section{kind: 1, id: "documents", docs: [][]byte{mustBSON(t, bson.D{{Key: "_id", Value: "a"}})}})
	find := buildMsg(11, 0, false, section{kind: 0, body: mustBSON(t, bson.D{
		{Key: "find", Value: "ff"}, {Key: "filter", Value: bson.D{}}, {Key: "$db", Value: db.Name()},
	})})
	if _, err := raw.Write(slices.Concat(ins, find)); err != nil {
		t.Fatal(err)
	}
	reply, err := readMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	if to := int32(binary.LittleEndian.Uint32(reply[8:12])); to != 11 {
		t.Fatalf("first reply answers request %d, want 11 (the find)", to)
	}
	batch, _ := replyDoc(t, reply).Lookup("cursor", "firstBatch").ArrayOK()
	if vals, _ := batch.Values(); len(vals) != 1 {
		t.Fatalf("find after the fire-and-forget insert: %v", replyDoc(t, reply))
	}

	// The same for a request that is not serialised: FerretDB answers it anyway, and that answer
	// must not reach the client as the reply to its next request.
	pingFF := buildMsg(12, flagMoreToCome, false, section{kind: 0, body: mustBSON(t, bson.D{{Key: "ping", Value: 1}, {Key: "$db", Value: "admin"}})})
	ping := buildMsg(13, 0, false, section{kind: 0, body: mustBSON(t, bson.D{{Key: "ping", Value: 1}, {Key: "$db", Value: "admin"}})})
	if _, err := raw.Write(slices.Concat(pingFF, ping)); err != nil {
		t.Fatal(err)
	}
	if reply, err = readMessage(raw); err != nil || int32(binary.LittleEndian.Uint32(reply[8:12])) != 13 {
		t.Fatalf("reply after a fire-and-forget ping answers %d (%v), want 13", int32(binary.LittleEndian.Uint32(reply[8:12])), err)
	}

	// The driver's unacknowledged writes (w:0) set moreToCome; concurrent ones still lose nothing.
	wc := options.Collection().SetWriteConcern(writeconcern.Unacknowledged())
	coll := db.Collection("w0", wc)
	if _, err := db.Collection("w0").InsertOne(ctx, bson.D{{Key: "_id", Value: "c"}, {Key: "n", Value: 0}}); err != nil {
		t.Fatal(err)
	}
	tp.take()
	const workers, each = 6, 15
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, _ = coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "c"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}})
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(20 * time.Second)
	var got struct{ N int }
	for {
		if err := db.Collection("w0").FindOne(ctx, bson.D{{Key: "_id", Value: "c"}}).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.N == workers*each || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got.N != workers*each {
		t.Fatalf("n = %d after %d unacknowledged $inc", got.N, workers*each)
	}
	fire := 0
	for _, o := range tp.take() {
		if o.cmd == "update" && o.moreToCome && o.serialised {
			fire++
		}
	}
	if fire != workers*each {
		t.Fatalf("%d serialised moreToCome updates seen, want %d", fire, workers*each)
	}
}

// --- cursors ---

func TestGetMoreAndKillCursorsPassThrough(t *testing.T) {
	tp := startProxy(t, 10*time.Second)
	ctx := ctxT(t)
	c := connect(t, tp.uri)
	coll := testDB(t, c).Collection("many")
	docs := make([]any, 250)
	for i := range docs {
		docs[i] = bson.D{{Key: "_id", Value: i}}
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	tp.take()

	cur, err := coll.Find(ctx, bson.D{}, options.Find().SetBatchSize(20).SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for cur.Next(ctx) {
		if got := cur.Current.Lookup("_id").Int32(); got != int32(n) {
			t.Fatalf("document %d has _id %d", n, got)
		}
		n++
	}
	if err := cur.Err(); err != nil || n != 250 {
		t.Fatalf("read %d documents: %v", n, err)
	}
	getMores := 0
	for _, o := range tp.take() {
		if o.serialised {
			t.Errorf("%s serialised", o.cmd)
		}
		if o.cmd == "getmore" {
			getMores++
		}
	}
	if getMores < 12 {
		t.Fatalf("%d getMore requests for 250 documents in batches of 20", getMores)
	}

	// Closing a cursor early sends killCursors, which passes through too.
	cur, err = coll.Find(ctx, bson.D{}, options.Find().SetBatchSize(10))
	if err != nil {
		t.Fatal(err)
	}
	if !cur.Next(ctx) {
		t.Fatal(cur.Err())
	}
	if err := cur.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var kills []observed
	for _, o := range tp.take() {
		if o.cmd == "killcursors" {
			kills = append(kills, o)
		}
	}
	if len(kills) != 1 || kills[0].serialised {
		t.Fatalf("killCursors seen as %+v", kills)
	}
}

// --- large messages ---

func TestLargeMessages(t *testing.T) {
	tp := startProxy(t, 60*time.Second)
	// FerretDB converts every byte between BSON and SQLite's JSON: slow on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := connect(t, tp.uri, options.Client().SetTimeout(5*time.Minute))
	coll := testDB(t, c).Collection("large")
	// A document near the 16 MiB limit, through the driver.
	blob := strings.Repeat("z", 16<<20-1024)
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1}, {Key: "blob", Value: blob}}); err != nil {
		t.Fatal(err)
	}
	// The driver sends one document per message at this size; a ~45 MB message, close to the
	// 48 MB limit FerretDB announces, is built by hand: three documents in one sequence.
	raw := dialRaw(t, tp.addr)
	third := strings.Repeat("q", 15_000_000)
	var docs [][]byte
	for id := 3; id <= 5; id++ {
		docs = append(docs, mustBSON(t, bson.D{{Key: "_id", Value: id}, {Key: "blob", Value: third}}))
	}
	big := buildMsg(9, 0, false, section{kind: 0, body: mustBSON(t, bson.D{
		{Key: "insert", Value: "large"}, {Key: "$db", Value: coll.Database().Name()},
	})}, section{kind: 1, id: "documents", docs: docs})
	if len(big) < 45_000_000 || len(big) > maxMessageLen {
		t.Fatalf("built a %d-byte message", len(big))
	}
	if _, err := raw.Write(big); err != nil {
		t.Fatal(err)
	}
	reply, err := readMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := replyDoc(t, reply).Lookup("n").AsInt64OK(); n != 3 {
		t.Fatalf("insert of the large message: %v", replyDoc(t, reply))
	}
	var sizes []int
	for _, o := range tp.take() {
		if o.cmd == "insert" && o.serialised {
			sizes = append(sizes, o.docSequences)
		}
	}
	if len(sizes) < 2 {
		t.Fatalf("inserts seen: %v", sizes)
	}
	for id, want := range map[int]string{1: blob, 5: third} {
		var got struct{ Blob string }
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.Blob != want {
			t.Fatalf("document %d came back with %d bytes", id, len(got.Blob))
		}
	}

	// A message longer than the limit closes the connection without reading (or allocating) it.
	raw = dialRaw(t, tp.addr)
	h := header(maxMessageLen+1, 1, 0, opMsg)
	if _, err := raw.Write(h); err != nil {
		t.Fatal(err)
	}
	if _, err := readMessage(raw); !errors.Is(err, io.EOF) {
		t.Fatalf("after an oversized header: %v, want EOF", err)
	}
}

// --- what FerretDB does not speak ---

func TestUnsupportedOpCodesDoNotHang(t *testing.T) {
	tp := startProxy(t, 5*time.Second)
	raw := dialRaw(t, tp.addr)
	_ = raw.SetDeadline(time.Now().Add(10 * time.Second))
	// OP_COMPRESSED (2012) wrapping nothing useful: FerretDB refuses it; nothing waits forever.
	msg := append(header(headerLen+9, 3, 0, 2012), make([]byte, 9)...)
	if _, err := raw.Write(msg); err != nil {
		t.Fatal(err)
	}
	if _, err := readMessage(raw); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("after OP_COMPRESSED: %v", err)
	}
	// The proxy still serves others.
	c := connect(t, tp.uri)
	if err := c.Ping(ctxT(t), nil); err != nil {
		t.Fatal(err)
	}
}

func TestLockTimeoutReplyFormat(t *testing.T) {
	req := buildMsg(42, 0, false, section{kind: 0, body: mustBSON(t, bson.D{{Key: "insert", Value: "c"}})})
	reply := lockTimeoutReply(req, "insert", 3*time.Second)
	if int(binary.LittleEndian.Uint32(reply[0:4])) != len(reply) || opCode(reply) != opMsg {
		t.Fatal("bad header")
	}
	if int32(binary.LittleEndian.Uint32(reply[8:12])) != 42 {
		t.Fatal("responseTo is not the request's id")
	}
	doc := replyDoc(t, reply)
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	if doc.Lookup("ok").Double() != 0 || doc.Lookup("codeName").StringValue() != "LockTimeout" ||
		!strings.Contains(doc.Lookup("errmsg").StringValue(), "insert waited 3s") {
		t.Fatalf("reply %v", doc)
	}
}
