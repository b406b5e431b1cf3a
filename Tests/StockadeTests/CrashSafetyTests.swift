import Crypto
import Foundation
import OpenPGP
import Synchronization
import TestSupport
import Testing

/// Issue 13, item 8: `kill -9` of `stockade serve` at random moments, while keys are uploaded to the key server and
/// accounts and aliases are added through the admin API, loses no write that was acknowledged before the kill, and
/// leaves a database that passes `PRAGMA integrity_check` after every restart on the same data directory.
///
/// The moments are drawn from a seeded generator (printed; `STOCKADE_CRASH_SEED=N` repeats the run's bursts and keys;
/// thread interleavings differ from run to run).
@Suite(.serialized) struct CrashSafetyTests {
    static let kills = 24
    static let burstMilliseconds = 200...1500
    static let adminWriters = 2
    static let uploadWriters = 2
    static let aliasesPerAccount = 3
    /// Acknowledged writes the whole run must have checked at least (measured: 5 300-6 100 on 2 cores, 4 writers).
    static let floor = 1_000
    /// Writes of each kind (addresses, keys) of a round that are also asked of the restarted server; the database
    /// check covers every write of every round (asking the server for all of them doubled the test's time).
    static let servedSamplePerKind = 40
    static let token = "crash-safety-admin-token-0123456789"
    static let domain = "crash.test"

    @Test func sigkillDuringUploadsAndAliasChangesLosesNoAcknowledgedWrite() async throws {
        signal(SIGPIPE, SIG_IGN)  // a request written to a server that was just killed must fail, not end the test run
        let started = ContinuousClock.now
        let seed = ProcessInfo.processInfo.environment["STOCKADE_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        print("CrashSafetyTests: seed \(seed) (STOCKADE_CRASH_SEED=\(seed) repeats the bursts and keys)")
        var random = SeededGenerator(state: seed)
        var sampling = SeededGenerator(state: ~seed)  // its own sequence, so the bursts do not depend on the write counts

        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-crash-\(UUID().uuidString.prefix(8))")
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-crash-\(UUID().uuidString.prefix(8)).log")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: errorLog)
        }
        // Below Linux's ephemeral range (32768-60999), so no outgoing connection takes the port between a kill and the restart.
        let server = try await ServerProcess(extra: try Self.configuration(), dataDirectory: data, port: freeLoopbackPort(),
                                             errorLog: errorLog)
        defer { server.stop() }
        let database = data.appendingPathComponent("stockade.sqlite").path

        // A synthetic key goes through the real upload route before the kills start, so a refusal is seen as such.
        let probe = try CrashKey(index: -1, seed: seed)
        let answer = try Self.upload(probe, port: server.port)
        try #require(answer.status == 200, "the probe key was refused: \(answer.text)")
        try #require(Self.fingerprint(in: answer) == probe.fingerprint, "\(answer.text)")

        let ledger = Ledger()
        var restartFailures: [String] = []
        var (restarting, checking) = (Duration.zero, Duration.zero)
        var servedChecks = 0
        for round in 1...Self.kills {
            let burst = Int.random(in: Self.burstMilliseconds, using: &random)
            let stop = StopFlag()
            let writers = DispatchGroup()
            for _ in 0..<Self.adminWriters {
                Self.spawn(in: writers) { Self.addAccountsAndAliases(port: server.port, ledger: ledger, stop: stop) }
            }
            for _ in 0..<Self.uploadWriters {
                Self.spawn(in: writers) { Self.uploadKeys(port: server.port, seed: seed, ledger: ledger, stop: stop) }
            }
            try await Task.sleep(for: .milliseconds(burst))
            let status = server.kill(signal: SIGKILL)
            stop.raise()
            await withCheckedContinuation { continuation in writers.notify(queue: .global()) { continuation.resume() } }
            #expect(status == SIGKILL, "round \(round): the server ended with \(status), not by the SIGKILL")

            let killed = ContinuousClock.now
            restartFailures += try await Self.restart(server, log: errorLog, round: round)
            let restarted = ContinuousClock.now
            try Self.checkDatabase(database, ledger: ledger, round: round)
            let sample = Self.sample(ledger.takeRound(), using: &sampling)
            try Self.checkThroughServer(server, writes: sample, round: round)
            servedChecks += sample.count
            restarting += restarted - killed
            checking += ContinuousClock.now - restarted
        }
        server.stop()
        let committedAnyway = try Self.checkDatabase(database, ledger: ledger, round: Self.kills + 1)

        let totals = ledger.totals()
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        print("""
            CrashSafetyTests: \(Self.kills) SIGKILLs, \(totals.acknowledged) acknowledged writes checked \
            (\(totals.accounts) accounts, \(totals.aliases) aliases, \(totals.keys) key uploads) of \(totals.attempted) attempted \
            (\(ledger.interrupted().count) cut by a kill, \(committedAnyway) of those committed all the same), refusals \(totals.refusals), \
            restart failures \(restartFailures.count); \(servedChecks) of them also asked of the restarted server; \
            \(String(format: "%.1f", seconds)) s, of which restarts \(restarting), checks \(checking)
            """)
        for failure in restartFailures { print("CrashSafetyTests: restart failure: \(failure)") }
        #expect(totals.refusals.filter { $0.key != 503 }.isEmpty, "writes refused while the server was up: \(totals.refusals)")
        #expect(totals.acknowledged >= Self.floor, "only \(totals.acknowledged) acknowledged writes: the test proved too little")
        #expect(min(totals.accounts, totals.aliases, totals.keys) >= Self.floor / 10,
                "too few writes of one kind: \(totals.accounts) accounts, \(totals.aliases) aliases, \(totals.keys) keys")
    }

    // MARK: - The server

    static func configuration() throws -> [String: Any] {
        let mail = try KeyServerWorld.labRelay()
        return [
            "adminToken": token,
            "domains": [["name": domain, "kind": "provider"]],
            "keyServer": ["baseURL": "http://keys.example.test", "mailFrom": "keys@example.test", "requestsPerMinutePerClient": 10_000_000],
            "mail": mail,
            "resolver": try labVariable("STOCKADE_RESOLVER"),
        ]
    }

    /// Starts the killed server again on the same data directory and port. A start that fails is retried (up to 5
    /// times) and reported: "address in use" is the listener's problem, anything else fails the test (a crash left
    /// a database the server cannot open).
    static func restart(_ server: ServerProcess, log: URL, round: Int) async throws -> [String] {
        var failures: [String] = []
        for attempt in 1...5 {
            let logged = (try? Data(contentsOf: log).count) ?? 0
            do {
                try await server.restart()
                return failures
            } catch {
                let stderr = (try? Data(contentsOf: log)).map { String(decoding: $0.dropFirst(logged), as: UTF8.self) } ?? ""
                let failure = "round \(round), attempt \(attempt): \(error); stderr: \(stderr.suffix(600))"
                failures.append(failure)
                if !stderr.localizedCaseInsensitiveContains("in use") { Issue.record("the restart after a SIGKILL failed: \(failure)") }
                _ = server.kill(signal: SIGKILL)
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        throw RestartFailed(failures: failures)
    }

    struct RestartFailed: Error { let failures: [String] }

    // MARK: - Writers (threads: the requests are blocking socket calls)

    static func spawn(in group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }

    /// Creates accounts `cN@crash.test`, each with aliases `cN.aK@crash.test`, until the kill.
    static func addAccountsAndAliases(port: Int, ledger: Ledger, stop: StopFlag) {
        let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json", "Host": "localhost"]
        func post(_ path: String, _ body: [String: String]) -> Int? {
            let bytes = Array((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
            return try? HTTPExchange.send(port: port, method: "POST", path: path, headers: headers, body: bytes).status
        }
        while !stop.isRaised {
            let account = "c\(ledger.nextNumber())"
            let primary = "\(account)@\(domain)"
            ledger.attempt()
            guard let created = post("/admin/v1/accounts", ["id": account, "primaryAddress": primary]) else {
                return ledger.cut(.address(primary, account: account, kind: .account))
            }
            guard created == 201 else { ledger.refused(created); continue }
            ledger.acknowledge(.address(primary, account: account, kind: .account))
            for alias in 0..<aliasesPerAccount {
                let address = "\(account).a\(alias)@\(domain)"
                ledger.attempt()
                guard let added = post("/admin/v1/accounts/\(account)/aliases", ["address": address]) else {
                    return ledger.cut(.address(address, account: account, kind: .alias))
                }
                guard added == 201 else { ledger.refused(added); continue }
                ledger.acknowledge(.address(address, account: account, kind: .alias))
            }
        }
    }

    /// Uploads distinct keys to the key server until the kill.
    static func uploadKeys(port: Int, seed: UInt64, ledger: Ledger, stop: StopFlag) {
        while !stop.isRaised {
            guard let key = try? CrashKey(index: ledger.nextNumber(), seed: seed) else { return }
            ledger.attempt()
            guard let answer = try? upload(key, port: port) else { return ledger.cut(.key(key.fingerprint)) }
            guard answer.status == 200 else { ledger.refused(answer.status); continue }
            switch fingerprint(in: answer) {
            case key.fingerprint: ledger.acknowledge(.key(key.fingerprint))
            case nil: return ledger.cut(.key(key.fingerprint))  // the kill cut the body: not known to be acknowledged
            case _?: ledger.refused(-answer.status)  // acknowledged, but for another key: counted as a refusal so it fails
            }
        }
    }

    static func upload(_ key: CrashKey, port: Int) throws -> HTTPExchange {
        let body = Array(try JSONSerialization.data(withJSONObject: ["keytext": key.armored]))
        return try HTTPExchange.send(port: port, method: "POST", path: "/vks/v1/upload",
                                     headers: ["Content-Type": "application/json", "Host": "localhost"], body: body)
    }

    static func fingerprint(in answer: HTTPExchange) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any])?["key_fpr"] as? String
    }

    // MARK: - Checks

    /// `PRAGMA integrity_check` is `ok`, `PRAGMA foreign_key_check` finds nothing, and every write acknowledged so
    /// far (all rounds) is in the database: each address with its account and not removed, each key by fingerprint.
    /// Returns how many of the writes a kill interrupted were committed all the same.
    @discardableResult
    static func checkDatabase(_ path: String, ledger: Ledger, round: Int) throws -> Int {
        let script = """
            import json, sqlite3, sys
            c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            print(json.dumps({
                "integrity": [r[0] for r in c.execute("PRAGMA integrity_check")],
                "foreignKeys": len(c.execute("PRAGMA foreign_key_check").fetchall()),
                "addresses": {a: [account, removed] for a, account, removed in c.execute("SELECT address, accountID, removedAt FROM address")},
                "keys": [r[0].upper() for r in c.execute("SELECT fingerprint FROM vks_key")],
            }))
            """
        let output = try runTool("python3", ["-c", script, path])
        let dump = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        try #require(dump["integrity"] as? [String] == ["ok"], "round \(round): PRAGMA integrity_check says \(dump["integrity"] ?? "nothing")")
        #expect(dump["foreignKeys"] as? Int == 0, "round \(round): PRAGMA foreign_key_check found \(dump["foreignKeys"] ?? "?") rows")
        let addresses = dump["addresses"] as? [String: [Any]] ?? [:]
        let keys = Set(dump["keys"] as? [String] ?? [])
        var lost: [String] = []
        for write in ledger.all() {
            switch write {
            case .address(let address, let account, _):
                let row = addresses[address]
                if row?.first as? String != account || !(row?.last is NSNull) { lost.append(address) }
            case .key(let fingerprint):
                if !keys.contains(fingerprint) { lost.append(fingerprint) }
            }
        }
        #expect(lost.isEmpty, "round \(round): \(lost.count) acknowledged writes are not in the database: \(lost.prefix(20))")
        return ledger.interrupted().filter { write in
            switch write {
            case .address(let address, let account, _): addresses[address]?.first as? String == account
            case .key(let fingerprint): keys.contains(fingerprint)
            }
        }.count
    }

    /// Up to ``servedSamplePerKind`` addresses and as many keys, chosen at random.
    static func sample(_ writes: [Write], using random: inout SeededGenerator) -> [Write] {
        let shuffled = writes.shuffled(using: &random)
        let addresses = shuffled.filter { if case .address = $0 { true } else { false } }
        let keys = shuffled.filter { if case .key = $0 { true } else { false } }
        return Array(addresses.prefix(servedSamplePerKind)) + Array(keys.prefix(servedSamplePerKind))
    }

    /// Writes acknowledged in the round just ended, asked of the restarted server (four connections at a time):
    /// each address through the admin API (belongs to its account), each key by fingerprint through the key server.
    static func checkThroughServer(_ server: ServerProcess, writes: [Write], round: Int) throws {
        let lost = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { part in
            for write in writes[(writes.count * part / 4)..<(writes.count * (part + 1) / 4)] {
                if let problem = served(write, by: server) { lost.withLock { $0.append(problem) } }
            }
        }
        let missing = lost.withLock { $0 }
        #expect(missing.isEmpty, "round \(round): \(missing.count) acknowledged writes are not served after the restart: \(missing.prefix(10))")
    }

    /// Nil when the server serves `write`; what it answered otherwise.
    static func served(_ write: Write, by server: ServerProcess) -> String? {
        switch write {
        case .address(let address, let account, _):
            let encoded = address.replacingOccurrences(of: "@", with: "%40")
            guard let answer = try? server.request("GET", "/admin/v1/addresses/\(encoded)", headers: ["Authorization": "Bearer \(token)"]) else {
                return "\(address): no answer"
            }
            let view = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
            return answer.status == 200 && view?["account"] as? String == account ? nil : "\(address): \(answer.status) \(answer.text)"
        case .key(let fingerprint):
            guard let answer = try? server.request("GET", "/vks/v1/by-fingerprint/\(fingerprint)") else { return "\(fingerprint): no answer" }
            return answer.status == 200 ? nil : "\(fingerprint): \(answer.status) \(answer.text)"
        }
    }
}

/// Set when the server has been killed: the writers stop.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isRaised: Bool { value.load(ordering: .sequentiallyConsistent) }
    func raise() { value.store(true, ordering: .sequentiallyConsistent) }
}

/// One write the server acknowledged.
enum Write: Sendable {
    enum Kind: Sendable { case account, alias }
    case address(String, account: String, kind: Kind)
    case key(String)
}

/// The acknowledged writes of the run (and of the current round), and the counts of what was tried.
final class Ledger: Sendable {
    private struct State {
        var number = 0
        var attempted = 0
        var all: [Write] = []
        var round: [Write] = []
        var refusals: [Int: Int] = [:]
        var cut: [Write] = []
    }

    private let state = Mutex(State())

    /// A number no other writer of the run gets: account IDs and key seeds.
    func nextNumber() -> Int { state.withLock { $0.number += 1; return $0.number } }
    func attempt() { state.withLock { $0.attempted += 1 } }
    func refused(_ status: Int) { state.withLock { $0.refusals[status, default: 0] += 1 } }
    func acknowledge(_ write: Write) { state.withLock { $0.all.append(write); $0.round.append(write) } }
    func all() -> [Write] { state.withLock { $0.all } }
    /// A write whose request the kill interrupted: it may or may not have been committed.
    func cut(_ write: Write) { state.withLock { $0.cut.append(write) } }
    func interrupted() -> [Write] { state.withLock { $0.cut } }

    /// The writes acknowledged since the last call.
    func takeRound() -> [Write] { state.withLock { state in defer { state.round = [] }; return state.round } }

    func totals() -> (acknowledged: Int, accounts: Int, aliases: Int, keys: Int, attempted: Int, refusals: [Int: Int]) {
        state.withLock { state in
            var (accounts, aliases, keys) = (0, 0, 0)
            for write in state.all {
                switch write {
                case .address(_, _, .account): accounts += 1
                case .address(_, _, .alias): aliases += 1
                case .key: keys += 1
                }
            }
            return (state.all.count, accounts, aliases, keys, state.attempted, state.refusals)
        }
    }
}

/// A distinct, valid OpenPGP v4 certificate per index: an Ed25519 primary key (RFC 9580 algorithm 27, created at a
/// fixed instant) derived from the seed and the index, one user ID `Crash N <crashN@keys.crash.test>` and its positive
/// self-certification (SHA-256); armored.
struct CrashKey: Sendable {
    let fingerprint: String
    let armored: String

    init(index: Int, seed: UInt64) throws {
        let signer = try Curve25519.Signing.PrivateKey(rawRepresentation: SHA256.hash(data: Array("crash-safety \(seed) \(index)".utf8)))
        let created: UInt32 = 1_700_000_000
        let keyBody: [UInt8] = [4] + Self.be32(created) + [27] + Array(signer.publicKey.rawRepresentation)
        let keyHashed: [UInt8] = [0x99] + Self.be16(keyBody.count) + keyBody
        let fingerprint = Array(Insecure.SHA1.hash(data: keyHashed))
        let userID = Array("Crash \(index) <crash\(index)@keys.crash.test>".utf8)
        let hashed = Self.subpacket(2, Self.be32(created)) + Self.subpacket(27, [0x03]) + Self.subpacket(33, [4] + fingerprint)
        let hashedPart: [UInt8] = [4, 0x13, 27, 8] + Self.be16(hashed.count) + hashed
        var hasher = SHA256()
        hasher.update(data: keyHashed)
        hasher.update(data: [0xB4] + Self.be32(UInt32(userID.count)) + userID)
        hasher.update(data: hashedPart)
        hasher.update(data: [4, 0xFF] + Self.be32(UInt32(hashedPart.count)))
        let digest = Array(hasher.finalize())
        let signature = Array(try signer.signature(for: digest))
        let signatureBody = hashedPart + [0, 0] + digest.prefix(2) + signature
        let bytes = Self.packet(6, keyBody) + Self.packet(13, userID) + Self.packet(2, signatureBody)
        self.fingerprint = fingerprint.map { String(format: "%02X", $0) }.joined()
        armored = Armor.encode(bytes, kind: .publicKey, includeChecksum: true)
    }

    static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    static func subpacket(_ type: UInt8, _ body: [UInt8]) -> [UInt8] { [UInt8(body.count + 1), type] + body }

    /// A packet with an OpenPGP (new-format) header; every body here is under 192 octets.
    static func packet(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
        precondition(body.count < 192)
        return [0xC0 | tag, UInt8(body.count)] + body
    }
}
