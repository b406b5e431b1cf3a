package import Foundation

/// The lab is not running (or its variables were not exported): a test that needs it fails with this, never skips.
package struct LabNotRunning: Error, CustomStringConvertible {
    package let variable: String
    package init(variable: String) { self.variable = variable }
    package var description: String {
        "\(variable) is not set: run `make test` (it starts the lab), or `lab/lab.sh up` and `set -a; eval \"$(lab/lab.sh env)\"; set +a`"
    }
}

/// A variable printed by `lab/lab.sh env`, such as `STOCKADE_RESOLVER`.
package func labVariable(_ name: String) throws -> String {
    guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw LabNotRunning(variable: name) }
    return value
}
