package import Foundation

/// OpenDKIM 2.11 (verify only) and OpenDMARC 1.4.2 (Debian 12) as milters on loopback, each with its own config file in
/// a fresh temporary directory, the stack Postfix operators run today: `smtpd_milters = opendkim, opendmarc`
/// (``milters``). OpenDMARC reads OpenDKIM's `Authentication-Results` (same authserv-id, `TrustedAuthservIDs`), checks
/// SPF itself (`SPFSelfValidate`), refuses `p=reject` failures and holds `p=quarantine` ones.
///
/// Both resolve through libresolv, which reads only `/etc/resolv.conf`: they start in a private mount namespace with
/// the lab's `STOCKADE_LAB_RESOLV_CONF` (unbound on 127.0.5.53:53) bind-mounted over it (root needed). They are
/// stopped by the PIDs they wrote.
package final class OpenDKIMOpenDMARC {
    package let directory: URL
    package let authservID: String
    package let openDKIMPort: Int
    package let openDMARCPort: Int

    /// The value for Postfix's `smtpd_milters`.
    package var milters: String { "inet:127.0.0.1:\(openDKIMPort), inet:127.0.0.1:\(openDMARCPort)" }

    package init(authservID: String) throws {
        self.authservID = authservID
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-opendmarc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        openDKIMPort = freeLoopbackPort()
        openDMARCPort = freeLoopbackPort()
        // OpenDMARC ignores 127.0.0.1 unless told otherwise: an empty list, so that every client is checked.
        FileManager.default.createFile(atPath: path("ignore-hosts"), contents: Data())
        try write("opendkim.conf", [
            "Mode v", "Socket inet:\(openDKIMPort)@127.0.0.1", "AuthservID \(authservID)", "PidFile \(path("opendkim.pid"))",
            "Background yes", "Syslog no", "AlwaysAddARHeader yes", "InternalHosts \(path("ignore-hosts"))",
        ])
        try write("opendmarc.conf", [
            "Socket inet:\(openDMARCPort)@127.0.0.1", "AuthservID \(authservID)", "TrustedAuthservIDs \(authservID)",
            "PidFile \(path("opendmarc.pid"))", "Background true", "Syslog false", "RejectFailures true",
            "HoldQuarantinedMessages true", "SPFSelfValidate true", "IgnoreHosts \(path("ignore-hosts"))",
            "PublicSuffixList /usr/share/publicsuffix/public_suffix_list.dat", "FailureReports false", "RequiredHeaders false",
        ])
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func write(_ name: String, _ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    /// Starts both daemons (they fork into the background inside the namespace) and waits until both listen.
    package func start() async throws {
        let resolvConf = try labVariable("STOCKADE_LAB_RESOLV_CONF")
        _ = try locateTool("opendkim")
        _ = try locateTool("opendmarc")
        try runTool("unshare", ["-m", "--propagation", "private", "sh", "-c",
                                "mount --bind \"$1\" /etc/resolv.conf && opendkim -x \"$2\" && opendmarc -c \"$3\"", "sh",
                                resolvConf, path("opendkim.conf"), path("opendmarc.conf")])
        for _ in 0..<200 where !(canConnect(host: "127.0.0.1", port: openDKIMPort) && canConnect(host: "127.0.0.1", port: openDMARCPort)) {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops both by the PIDs they wrote and removes the directory.
    package func stop() {
        for name in ["opendkim.pid", "opendmarc.pid"] {
            if let text = try? String(contentsOfFile: path(name), encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGTERM)
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `opendkim-testmsg` (OpenDKIM's verifier) on `message` inside a private mount namespace with the lab's
/// resolv.conf; returns its exit status (0: every signature verified) and its error output.
package func openDKIMVerify(_ message: Data) throws -> (status: Int32, error: String) {
    let resolvConf = try labVariable("STOCKADE_LAB_RESOLV_CONF")
    _ = try locateTool("opendkim-testmsg")
    do {
        try runTool("unshare", ["-m", "--propagation", "private", "sh", "-c",
                                "mount --bind \"$1\" /etc/resolv.conf && exec opendkim-testmsg", "sh", resolvConf], input: message)
        return (0, "")
    } catch let failed as ToolFailed {
        return (failed.status, failed.standardError)
    }
}

/// Runs dkimpy's `dkim.verify` on `message` with dnspython asking the lab's resolver (`STOCKADE_RESOLVER`); returns
/// whether every signature verified (dkimpy checks the first; `verify(idx=)` each in turn) and its log.
package func dkimpyVerify(_ message: Data) throws -> (verified: Bool, log: String) {
    let resolver = try labVariable("STOCKADE_RESOLVER").split(separator: ":")
    let script = """
        import sys, logging, io, dkim, dns.resolver
        log = io.StringIO()
        logging.basicConfig(stream=log, level=logging.DEBUG)
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [sys.argv[1]]
        resolver.port = int(sys.argv[2])
        def lookup(name, timeout=5):
            answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
            return b"".join(b"".join(record.strings) for record in answer)
        message = sys.stdin.buffer.read()
        head = message.replace(b"\\r\\n", b"\\n").split(b"\\n\\n", 1)[0]
        count = sum(1 for line in head.split(b"\\n") if line.lower().startswith(b"dkim-signature:"))
        results = [dkim.DKIM(message, logger=logging.getLogger()).verify(idx=i, dnsfunc=lookup) for i in range(count)]
        print("ok" if count and all(results) else "fail", count)
        sys.stderr.write(log.getvalue())
        """
    do {
        let output = try runTool("python3", ["-c", script, String(resolver[0]), String(resolver[1])], input: message)
        let text = String(decoding: output, as: UTF8.self)
        return (text.hasPrefix("ok "), text)
    } catch let failed as ToolFailed {
        return (false, failed.description)
    }
}
