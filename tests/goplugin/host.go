// A real HashiCorp go-plugin host, built from Debian's packages in GOPATH mode, that launches
// tempoload-plugin the way a machine's host software would: magic cookie, protocol version
// negotiation, optional AutoMTLS, the "plugin" health check (Ping), one call of a tempoload
// service, then Kill (GRPCController.Shutdown, then wait for the process to exit).
//
// Usage: tempoload-goplugin-host [-automtls] -- /path/to/tempoload-plugin [plugin args...]
// Prints one "ok: ..." line per step; exits non-zero at the first failure.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/golang/protobuf/ptypes/empty"
	"github.com/golang/protobuf/ptypes/wrappers"
	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The handshake a tempoload plugin answers to (see docs/plugin-hosts.md).
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "TEMPOLOAD_PLUGIN",
	MagicCookieValue: "b7f4c2e0-tempoload-calf-raise",
}

// tempoloadPlugin hands the raw gRPC connection to the host code.
type tempoloadPlugin struct{ plugin.Plugin }

func (tempoloadPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return nil }
func (tempoloadPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return c, nil
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	autoMTLS := flag.Bool("automtls", false, "negotiate mutual TLS with the plugin (AutoMTLS)")
	flag.Parse()
	if flag.NArg() < 1 {
		fail("usage: tempoload-goplugin-host [-automtls] -- PLUGIN [ARGS...]")
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  handshake,
		Plugins:          map[string]plugin.Plugin{"tempoload": &tempoloadPlugin{}},
		Cmd:              exec.Command(flag.Arg(0), flag.Args()[1:]...),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         *autoMTLS,
		StartTimeout:     20 * time.Second,
		// Debug level: the plugin's stderr lines are relayed into this log.
		Logger: hclog.New(&hclog.LoggerOptions{Name: "host", Output: os.Stderr, Level: hclog.Debug}),
	})
	defer client.Kill()

	rpc, err := client.Client()
	if err != nil {
		fail("launch and handshake: %v", err)
	}
	fmt.Printf("ok: launched, negotiated app protocol %d, automtls=%v\n", client.NegotiatedVersion(), *autoMTLS)

	if err := rpc.Ping(); err != nil {
		fail("ping (health service \"plugin\"): %v", err)
	}
	fmt.Println("ok: ping")

	raw, err := rpc.Dispense("tempoload")
	if err != nil {
		fail("dispense: %v", err)
	}
	conn := raw.(*grpc.ClientConn)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// GetSessionReportRequest is {string session_id = 1}: wire-identical to StringValue.
	err = conn.Invoke(ctx, "/tempoload.v1.GuidedSession/GetSessionReport",
		&wrappers.StringValue{Value: "no-such-session"}, &empty.Empty{})
	if status.Code(err) != codes.NotFound {
		fail("GetSessionReport of an unknown session: want NotFound, got %v", err)
	}
	fmt.Println("ok: called tempoload.v1.GuidedSession/GetSessionReport (NotFound as expected)")

	client.Kill()
	if !client.Exited() {
		fail("plugin still running after Kill")
	}
	fmt.Println("ok: killed (GRPCController.Shutdown), plugin exited")
}
