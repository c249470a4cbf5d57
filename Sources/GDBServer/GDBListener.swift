import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The TCP side of the GDB server, on SwiftNIO: one listening socket, at most one debugger
/// at a time. A second connection is told why and closed; the first one's bytes go into a
/// `ConnectionLink` that the emulation thread reads with a timeout.
///
/// ```
///   NIO event loop ──channelRead──► ConnectionLink.inbox ──receive(timeout:)──► GDBStub (emulation thread)
///   GDBStub ──send──► channel.writeAndFlush (thread-safe) ──► the debugger
/// ```
public final class GDBListener: @unchecked Sendable {
    public let host: String
    /// The port actually bound (the one asked for, or the system's pick for port 0).
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let state: NIOLockedValueBox<State>
    private let arrivals = DispatchSemaphore(value: 0)

    struct State {
        var active: ConnectionLink?
        var waiting: [ConnectionLink] = []
        var closed = false
    }

    public enum ListenError: Error, CustomStringConvertible {
        case cannotListen(host: String, port: Int, why: String)
        public var description: String {
            switch self {
            case let .cannotListen(host, port, why): "cannot listen for a debugger on \(host):\(port): \(why)"
            }
        }
    }

    public init(host: String, port: Int, diagnostic: @escaping @Sendable (String) -> Void) throws(ListenError) {
        self.host = host
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let state = NIOLockedValueBox(State())
        self.state = state
        let arrivals = self.arrivals
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let link = ConnectionLink(channel: channel)
                let peer = channel.remoteAddress?.description ?? "unknown peer"
                let accepted: Bool = state.withLockedValue { s in
                    guard !s.closed, s.active == nil else { return false }
                    s.active = link
                    s.waiting.append(link)
                    return true
                }
                guard accepted else {
                    diagnostic("gdb server: refused a second debugger from \(peer): one is already attached")
                    return channel.pipeline.addHandler(RefusingHandler(reply: RSPFrame.encode("E.another debugger is already attached to this LoaderLab session")))
                }
                diagnostic("gdb server: debugger connected from \(peer)")
                arrivals.signal()
                return channel.pipeline.addHandler(ConnectionHandler(link: link, onClose: {
                    state.withLockedValue { s in if s.active === link { s.active = nil } }
                }))
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw .cannotListen(host: host, port: port, why: "\(error)")
        }
        self.port = channel.localAddress?.port ?? port
    }

    /// The next debugger that connected, waiting up to `timeout` seconds (nil: forever, 0:
    /// only what is already there).
    public func nextConnection(timeout: Double?) -> (any RSPLink)? {
        let arrived: Bool
        if let timeout {
            arrived = arrivals.wait(timeout: .now() + max(0, timeout)) == .success
        } else {
            arrivals.wait()
            arrived = true
        }
        guard arrived else { return nil }
        return state.withLockedValue { s in s.waiting.isEmpty ? nil : s.waiting.removeFirst() }
    }

    public func shutdown() {
        let links: [ConnectionLink] = state.withLockedValue { s in
            s.closed = true
            return [s.active].compactMap { $0 } + s.waiting
        }
        for link in links { link.close() }
        _ = try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// One debugger's connection, as the stub sees it.
final class ConnectionLink: RSPLink, @unchecked Sendable {
    private let channel: any Channel
    private let inbox = NIOLockedValueBox<[LinkEvent]>([])
    private let available = DispatchSemaphore(value: 0)

    init(channel: any Channel) { self.channel = channel }

    func post(_ event: LinkEvent) {
        inbox.withLockedValue { $0.append(event) }
        available.signal()
    }

    func receive(timeout: Double?) -> LinkEvent? {
        if let timeout {
            guard available.wait(timeout: .now() + max(0, timeout)) == .success else { return nil }
        } else {
            available.wait()
        }
        return inbox.withLockedValue { $0.isEmpty ? nil : $0.removeFirst() }
    }

    func send(_ bytes: [UInt8]) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    func close() {
        channel.close(promise: nil)
    }
}

final class ConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let link: ConnectionLink
    let onClose: () -> Void

    init(link: ConnectionLink, onClose: @escaping () -> Void) {
        self.link = link
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        link.post(.bytes(Array(buffer.readableBytesView)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose()
        link.post(.closed("the debugger disconnected"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Tells a second debugger why it cannot attach (as an error reply GDB prints), then hangs up.
final class RefusingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let reply: [UInt8]

    init(reply: [UInt8]) { self.reply = reply }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: reply.count)
        buffer.writeBytes(reply)
        let channel = context.channel
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
