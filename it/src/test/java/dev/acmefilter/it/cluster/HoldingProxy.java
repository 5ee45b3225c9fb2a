package dev.acmefilter.it.cluster;

import dev.acmefilter.testing.Gate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on Pebble's http-01 port in front of the load balancer, which the test can
 * hold: while held, the CA's validation requests are accepted and wait, so that the node
 * that placed the order stands still between triggering its challenges and finalizing (the
 * moment to kill it); releasing its {@link #gate()} lets them through. Closing it closes every
 * connection it made.
 */
final class HoldingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Gate gate = new Gate();
    private volatile boolean closed;

    HoldingProxy(int target) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        Thread acceptor = new Thread(this::accept, "holding-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Held, connections are accepted and wait until it is released. */
    Gate gate() {
        return gate;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread t = new Thread(() -> relay(client), "holding-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        if (!gate.pass(Duration.ofSeconds(60))) {
            try {
                client.close();
            } catch (IOException e) {
                // dropped either way
            }
            return;
        }
        try (Socket upstream = new Socket()) {
            sockets.add(upstream);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
            Thread back = new Thread(() -> pump(upstream, client), "holding-proxy-back");
            back.setDaemon(true);
            back.start();
            pump(client, upstream);
            back.join(30_000);
        } catch (IOException | InterruptedException e) {
            // the connection ends
        } finally {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        gate.release();
        server.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
