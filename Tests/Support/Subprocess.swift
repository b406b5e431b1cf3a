package import Foundation

/// A program a test needs is missing: the test fails with this message (it never skips).
package struct ToolMissing: Error, CustomStringConvertible {
    package let tool: String
    package init(tool: String) { self.tool = tool }
    package var description: String { "\(tool) is required by this test but was not found; run `make test`, which installs it" }
}

/// A program exited non-zero.
package struct ToolFailed: Error, CustomStringConvertible {
    package let command: String
    package let status: Int32
    package let standardError: String
    package var description: String { "\(command) exited with \(status): \(standardError)" }
}

/// Finds an executable by name in PATH, /usr/sbin and /usr/lib/gnupg (where Debian puts gpg-wks-client).
package func locateTool(_ name: String) throws -> String {
    if name.hasPrefix("/") { return name }
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin:/usr/lib/gnupg"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw ToolMissing(tool: name)
}

/// Runs a program to completion and returns its standard output; throws ``ToolFailed`` on a non-zero exit.
@discardableResult
package func runTool(_ name: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try locateTool(name))
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    let errorHandle = try FileHandle(forWritingTo: errorFile)
    process.standardOutput = output
    process.standardError = errorHandle
    let inputPipe = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
    try process.run()
    if let input {
        inputPipe.fileHandleForWriting.write(input)
        try inputPipe.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try errorHandle.close()
    guard process.terminationStatus == 0 else {
        let message = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        throw ToolFailed(command: ([name] + arguments).joined(separator: " "), status: process.terminationStatus, standardError: message)
    }
    return data
}
