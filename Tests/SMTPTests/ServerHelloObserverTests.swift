@testable import SMTP
import Testing

@Suite struct ServerHelloObserverTests {
    /// A TLS record holding the start of a ServerHello (RFC 8446 §4.1.3) with this session id and cipher suite.
    private func serverHello(sessionID: [UInt8], suite: UInt16) -> [UInt8] {
        let body: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 7, count: 32) + [UInt8(sessionID.count)] + sessionID
            + [UInt8(suite >> 8), UInt8(suite & 0xFF), 0x00]
        let handshake: [UInt8] = [2, 0, 0, UInt8(body.count)] + body
        return [22, 0x03, 0x03, 0, UInt8(handshake.count)] + handshake
    }

    @Test func readsTheSuite() {
        let record = serverHello(sessionID: [UInt8](repeating: 1, count: 32), suite: 0x1301)
        #expect(ServerHelloObserver.cipherSuite(in: record) == .found(0x1301))
        #expect(ServerHelloObserver.name(of: 0x1301) == "TLS_AES_128_GCM_SHA256")
        #expect(ServerHelloObserver.name(of: 0xC02F) == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        #expect(ServerHelloObserver.name(of: 0x00FF) == "0x00FF")
        for cut in 0..<(record.count - 1) where cut < 5 + 4 + 2 + 32 + 1 + 32 + 2 {
            #expect(ServerHelloObserver.cipherSuite(in: Array(record.prefix(cut))) == .needMore)
        }
    }

    @Test func followsFragmentsAcrossRecords() {
        let record = serverHello(sessionID: [], suite: 0xC02B)
        let handshake = Array(record.dropFirst(5))
        let first: [UInt8] = [22, 3, 3, 0, 20] + handshake.prefix(20)
        let rest = Array(handshake.dropFirst(20))
        let second: [UInt8] = [22, 3, 3, 0, UInt8(rest.count)] + rest
        #expect(ServerHelloObserver.cipherSuite(in: first) == .needMore)
        #expect(ServerHelloObserver.cipherSuite(in: first + second) == .found(0xC02B))
    }

    @Test func givesUpOnOtherRecords() {
        #expect(ServerHelloObserver.cipherSuite(in: [21, 3, 3, 0, 2, 2, 40]) == .notServerHello)
        var notHello = serverHello(sessionID: [], suite: 0x1301)
        notHello[5] = 11
        #expect(ServerHelloObserver.cipherSuite(in: notHello) == .notServerHello)
    }
}
