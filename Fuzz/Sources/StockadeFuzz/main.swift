// `stockade-fuzz HARNESS [libFuzzer flags] [corpus directories]`: runs one harness under libFuzzer.
import CLibFuzzer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// libFuzzer re-runs itself for -merge=1 and -fork without the harness argument: the environment names it for them.
var arguments = CommandLine.arguments
if let inherited = getenv("STOCKADE_FUZZ_HARNESS").map({ String(cString: $0) }), arguments.count < 2 || Harness.named(arguments[1]) == nil {
    arguments.insert(inherited, at: 1)
}
guard arguments.count >= 2, let harness = Harness.named(arguments[1]) else {
    var usage = "usage: stockade-fuzz HARNESS [libFuzzer flags] [corpus directories]\nharnesses:\n"
    for harness in Harness.all { usage += "  \(harness.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(harness.summary)\n" }
    FileHandleOutput.standardError(usage)
    exit(2)
}
Harness.selected = harness
setenv("STOCKADE_FUZZ_HARNESS", harness.name, 1)

// libFuzzer sees the program name and everything after the harness name.
var driverArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
var driverArgumentCount = Int32(driverArguments.count - 1)
let status = driverArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv = buffer.baseAddress
    return LLVMFuzzerRunDriver(&driverArgumentCount, &argv) { data, size in
        let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        Harness.selected.run(input)
        return 0
    }
}
exit(status)

enum FileHandleOutput {
    static func standardError(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
}
