import Foundation
import KetaCareStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Delivers one outbox message; throws with a reason a person can act on when it cannot.
protocol MessageSender: Sendable {
    func send(_ message: OutboxMessage) async throws
}

/// The demo sender: records that a message would go out (no recipient or body in the log: they are patient data).
struct LogSender: MessageSender {
    let logger: Logger

    func send(_ message: OutboxMessage) async throws {
        logger.info("outbox: delivered (log sender)", metadata: ["id": "\(message.id)", "kind": "\(message.kind)", "channel": "\(message.channel)"])
    }
}

/// Why a delivery failed.
struct DeliveryError: Error, CustomStringConvertible {
    let description: String
}

/// Plain SMTP to a relay (`KETACARE_SMTP_HOST`, `KETACARE_SMTP_PORT` default 25, `KETACARE_SMTP_FROM`): the clinic's mail
/// server or a local relay that adds TLS and authentication. E-mail only; SMS messages fail visibly until a gateway exists.
struct SMTPSender: MessageSender {
    let host: String
    let port: Int
    let from: String
    let timeout: TimeAmount = .seconds(10)

    func send(_ message: OutboxMessage) async throws {
        guard message.channel == "email" else { throw DeliveryError(description: "no SMS gateway is configured (SMTP sends e-mail only)") }
        guard !message.recipient.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) else {
            throw DeliveryError(description: "recipient address is malformed")
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var pending = ""
            func reply() async throws -> Int {
                // A reply is one or more lines; the last has a space after the code ("250 OK", not "250-…").
                while true {
                    while let range = pending.range(of: "\r\n") {
                        let line = String(pending[..<range.lowerBound])
                        pending.removeSubrange(..<range.upperBound)
                        if line.count >= 4, line[line.index(line.startIndex, offsetBy: 3)] == " " || line.count == 3 {
                            return Int(line.prefix(3)) ?? 0
                        }
                    }
                    guard let buffer = try await iterator.next() else { throw DeliveryError(description: "SMTP server closed the connection") }
                    pending += String(buffer: buffer)
                }
            }
            func command(_ text: String, expect codes: Set<Int>) async throws {
                if !text.isEmpty { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
                let code = try await reply()
                guard codes.contains(code) else {
                    throw DeliveryError(description: "SMTP server answered \(code) to \(text.split(separator: " ").first ?? "greeting")")
                }
            }
            try await command("", expect: [220])
            try await command("HELO ketacare", expect: [250])
            try await command("MAIL FROM:<\(from)>", expect: [250])
            try await command("RCPT TO:<\(message.recipient)>", expect: [250, 251])
            try await command("DATA", expect: [354])
            let body = message.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            let mail =
                "From: <\(from)>\r\nTo: <\(message.recipient)>\r\nSubject: \(message.subject)\r\nMessage-ID: <\(message.id)@ketacare>\r\n\r\n\(body)\r\n."
            try await command(mail, expect: [250])
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }
}

/// Sends due outbox messages every few seconds; failures are recorded with their reason and retried with back-off.
struct MessageDelivery: Service {
    let store: Store
    let sender: any MessageSender
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    /// The sender the environment asks for: SMTP when `KETACARE_SMTP_HOST` is set, else the log sender.
    static func sender(environment: [String: String], logger: Logger) -> any MessageSender {
        if let host = environment["KETACARE_SMTP_HOST"], !host.isEmpty {
            return SMTPSender(
                host: host, port: Int(environment["KETACARE_SMTP_PORT"] ?? "") ?? 25, from: environment["KETACARE_SMTP_FROM"] ?? "clinic@localhost")
        }
        return LogSender(logger: logger)
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await deliverDue()
            } catch {
                logger.warning("outbox: delivery pass failed", metadata: ["error": "\(String(reflecting: error).prefix(200))"])
            }
            // Wake at once on SIGTERM: a sleeping delivery loop must not hold up a graceful shutdown.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass: every message due now, claimed first so that another instance on the same database never sends it too.
    func deliverDue() async throws {
        let at = now()
        let due = try await store.database.write { db in try await OutboxRepository.claimDue(now: at, on: db) }
        for (_, message) in due {
            var failure: String?
            do {
                // Staff notifications (alert escalations) are delivered in the app, by the banner on every staff page.
                if message.channel != "staff" { try await sender.send(message) }
            } catch {
                failure = "\(error)"
            }
            let reason = failure
            let at = now()
            try await store.database.write { db in try await OutboxRepository.recordAttempt(id: message.id, error: reason, now: at, on: db) }
        }
    }
}
