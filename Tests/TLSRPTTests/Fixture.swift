import Foundation

/// The bytes of `Fixtures/<name>`, next to this file (the folder is excluded from the build).
func fixture(_ name: String, filePath: String = #filePath) throws -> [UInt8] {
    let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    return Array(try Data(contentsOf: folder.appendingPathComponent(name)))
}

/// A report's bytes from a JSON string literal.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
