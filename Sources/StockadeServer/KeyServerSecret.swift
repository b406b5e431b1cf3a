import Foundation

/// The secret that seals upload tokens: 32 random octets in a file, created (mode 0600) on first start.
enum KeyServerSecret {
    static func load(_ settings: KeyServerSettings, dataDirectory: String) throws -> [UInt8] {
        let path = settings.secretFile ?? dataDirectory + "/keyserver.secret"
        if FileManager.default.fileExists(atPath: path) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            guard bytes.count == 32 else {
                throw ConfigurationError(reason: "\(path) must hold exactly 32 octets, it holds \(bytes.count)")
            }
            return bytes
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError(reason: "cannot create the key-server secret \(path)")
        }
        return bytes
    }
}
