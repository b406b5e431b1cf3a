import Foundation
@testable import OpenPGP

/// Reads a file from the test target's `Vectors` resource folder.
func vector(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Vectors") else {
        throw VectorMissing(name: name)
    }
    return try [UInt8](Data(contentsOf: url))
}

struct VectorMissing: Error, CustomStringConvertible {
    let name: String
    var description: String { "test vector \(name) is missing from Tests/OpenPGPTests/Vectors" }
}

/// 2025-06-01T00:00:00Z, a fixed instant for the RFC vectors.
let june2025 = Date(timeIntervalSince1970: 1_748_736_000)

func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(s.filter { !$0.isWhitespace })
    if chars.count % 2 == 1 { chars.insert("0", at: 0) }
    var i = 0
    while i < chars.count {
        out.append(UInt8(String(chars[i...i + 1]), radix: 16)!)
        i += 2
    }
    return out
}
