import Milter
import NIOCore
import Synchronization

/// The octets of a hex string (test data only; traps on odd length or a non-hex digit).
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    precondition(digits.count.isMultiple(of: 2), "odd hex length")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}

/// The frame in a hex string of exactly one whole frame.
func frame(_ hex: String) throws -> MilterFrame {
    var buffer = ByteBuffer(bytes: hexBytes(hex))
    guard let frame = try MilterFrame.next(&buffer), buffer.readableBytes == 0 else { throw NotOneFrame(hex: hex) }
    return frame
}

struct NotOneFrame: Error, CustomStringConvertible {
    let hex: String
    var description: String { "not exactly one frame: \(hex)" }
}

/// The wire octets of replies, as hex.
func hex(_ replies: [MilterReply]) -> String {
    var buffer = ByteBuffer()
    for reply in replies { reply.write(to: &buffer) }
    return buffer.readableBytesView.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// A filter that answers every stage with fixed values and remembers what it was shown.
final class FixedFilter: MilterFilter {
    let hooks: MilterHooks
    let early: MilterVerdict
    let decision: MilterDecision
    private let seen = Mutex<[String: MilterMessage]>([:])

    init(hooks: MilterHooks = [], early: MilterVerdict = .continue, decision: MilterDecision = MilterDecision(.accept)) {
        self.hooks = hooks
        self.early = early
        self.decision = decision
    }

    /// The message shown at a stage: "connect", "helo", "mailFrom", "endOfMessage".
    func message(at stage: String) -> MilterMessage? { seen.withLock { $0[stage] } }

    func connect(_ message: MilterMessage) async -> MilterVerdict { record("connect", message); return early }
    func helo(_ message: MilterMessage) async -> MilterVerdict { record("helo", message); return early }
    func mailFrom(_ message: MilterMessage) async -> MilterVerdict { record("mailFrom", message); return early }
    func endOfMessage(_ message: MilterMessage) async -> MilterDecision { record("endOfMessage", message); return decision }

    private func record(_ stage: String, _ message: MilterMessage) { seen.withLock { $0[stage] = message } }
}

/// The test filter of the end-to-end tests: rejects a message whose Subject contains `REJECT-ME` with
/// `550 5.7.1 Rejected by test filter`, quarantines one with `QUARANTINE-ME` (reason `test hold`); to any other it adds `X-Stockade-Milter: checked` at the end, inserts
/// `X-Stockade-First: yes` before the first header, and deletes the first `X-Remove-Me` header if there is one.
struct MarkingFilter: MilterFilter {
    func endOfMessage(_ message: MilterMessage) async -> MilterDecision {
        if message.headers.contains(where: { $0.name.lowercased() == "subject" && $0.text.contains("REJECT-ME") }) {
            return MilterDecision(.reject(try! MilterSMTPReply(code: 550, status: "5.7.1", "Rejected by test filter")))
        }
        if message.headers.contains(where: { $0.name.lowercased() == "subject" && $0.text.contains("QUARANTINE-ME") }) {
            return MilterDecision(.accept, quarantine: "test hold")
        }
        var changes = [try! MilterHeaderChange.add("X-Stockade-Milter", "checked")]
        if message.headers.contains(where: { $0.name == "X-Remove-Me" }) {
            changes += [try! .insert("X-Stockade-First", "yes", at: 0), try! .delete("X-Remove-Me", occurrence: 1)]
        }
        return MilterDecision(.accept, headerChanges: changes)
    }
}

/// The code of the ``MilterError`` the body throws; nil when it throws nothing (another error type traps).
func errorCode(_ body: () throws -> Void) -> MilterError.Code? {
    do {
        try body()
        return nil
    } catch let error as MilterError {
        return error.code
    } catch {
        fatalError("not a MilterError: \(error)")
    }
}
