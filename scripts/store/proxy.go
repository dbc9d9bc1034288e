package main

// FerretDB v1 runs an update as "query, then write" with nothing in between to stop another
// connection's write from slipping in, so concurrent `$inc`s on one document lose increments
// and two conditional updates can both match. MongoDB does these as single-document atomic
// writes, and the app relies on that. This proxy restores it: clients talk to the proxy, which
// forwards each wire-protocol message to FerretDB and lets only one write command
// (insert/update/delete/findAndModify) be in flight at a time. Reads pass through concurrently.
// SQLite admits one writer at a time anyway, so this costs little throughput.

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
)

const (
	opMsg          = 2013
	headerLen      = 16
	maxMessageLen  = 48 * 1024 * 1024
	flagMoreToCome = 1 << 1
)

var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
}

// writeLock serialises write commands across all client connections.
var writeLock sync.Mutex

func readMessage(r io.Reader) ([]byte, error) {
	var header [headerLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if length < headerLen || length > maxMessageLen {
		return nil, errors.New("bad message length")
	}
	msg := make([]byte, length)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

func flags(msg []byte) uint32 {
	if len(msg) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[16:20])
}

// commandName is the first key of an OP_MSG body section (kind 0): the command.
func commandName(msg []byte) string {
	const bodyStart = headerLen + 4 // header, flagBits
	if opCode(msg) != opMsg || len(msg) < bodyStart+1+4+2 || msg[bodyStart] != 0 {
		return ""
	}
	i := bodyStart + 1 + 4 + 1 // section kind, document length, element type
	end := i
	for end < len(msg) && msg[end] != 0 {
		end++
	}
	return strings.ToLower(string(msg[i:end]))
}

func serveProxy(ctx context.Context, listener net.Listener, backend string) {
	go func() {
		<-ctx.Done()
		_ = listener.Close()
	}()
	for {
		client, err := listener.Accept()
		if err != nil {
			if ctx.Err() == nil {
				log.Printf("store proxy: accept: %v", err)
			}
			return
		}
		go proxyConn(client, backend)
	}
}

func proxyConn(client net.Conn, backend string) {
	defer client.Close()
	server, err := net.Dial("tcp", backend)
	if err != nil {
		log.Printf("store proxy: dial backend: %v", err)
		return
	}
	defer server.Close()
	for {
		req, err := readMessage(client)
		if err != nil {
			return
		}
		write := writeCommands[commandName(req)]
		if write {
			writeLock.Lock()
		}
		err = roundTrip(req, client, server)
		if write {
			writeLock.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// roundTrip forwards one request and relays its reply (several, while the server sets moreToCome).
func roundTrip(req []byte, client, server net.Conn) error {
	if _, err := server.Write(req); err != nil {
		return err
	}
	if opCode(req) == opMsg && flags(req)&flagMoreToCome != 0 {
		return nil // fire-and-forget: no reply
	}
	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if opCode(reply) != opMsg || flags(reply)&flagMoreToCome == 0 {
			return nil
		}
	}
}
