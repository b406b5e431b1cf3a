package import Foundation

/// OpenDKIM 2.11 (verify only) and OpenDMARC 1.4.2 (Debian 12) as milters on loopback, each with its own config file in
/// a fresh temporary directory, the stack Postfix operators run today: `smtpd_milters = opendkim, opendmarc`
/// (``milters``). OpenDMARC reads OpenDKIM's `Authentication-Results` (same authserv-id, `TrustedAuthservIDs`), checks
/// SPF itself (`SPFSelfValidate`), refuses `p=reject` failures and holds `p=quarantine` ones.
///
/// OpenDMARC resolves through libresolv, which reads only `/etc/resolv.conf`: both start in a private mount namespace
/// with the lab's `STOCKADE_LAB_RESOLV_CONF` (unbound on 127.0.5.53:53) bind-mounted over it (root needed). The
/// OpenDKIM daemon (libunbound) answered "key not found in DNS" for every lab key whatever it was pointed at (that
/// resolv.conf, `Nameservers 127.0.5.53`, `ResolverConfiguration` with a forward-zone to the lab resolver) while
/// `opendkim-testmsg` resolves them in the same namespace; so its keys come from ``dkimKeys`` (`TestPublicKeys`, the
/// records of lab/zones/mail.test.zone). Both run in the foreground and are stopped as the processes started.
package final class OpenDKIMOpenDMARC {
    package let directory: URL
    package let authservID: String
    package let openDKIMPort: Int
    package let openDMARCPort: Int
    private var daemons: [Process] = []

    /// The DKIM key records of lab/zones/mail.test.zone, for OpenDKIM's `TestPublicKeys`.
    package static let dkimKeys = """
        s1._domainkey.mail.test v=DKIM1; k=ed25519; p=ijIsZx5Z69On+UIjxhDiElzQWfwH4E64aA8pEy8X2jA=
        s2._domainkey.mail.test v=DKIM1; k=ed25519; p=vtgJM5MjpxaT7a5IOPnHcFRfMavefZtp7Orhf8bcFaQ=

        """

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
        FileManager.default.createFile(atPath: path("keys"), contents: Data(Self.dkimKeys.utf8))
        try write("opendkim.conf", [
            "Mode v", "Socket inet:\(openDKIMPort)@127.0.0.1", "AuthservID \(authservID)", "PidFile \(path("opendkim.pid"))",
            "Background no", "Syslog no", "AlwaysAddARHeader yes", "InternalHosts \(path("ignore-hosts"))",
            "TestPublicKeys \(path("keys"))",
        ])
        try write("opendmarc.conf", [
            "Socket inet:\(openDMARCPort)@127.0.0.1", "AuthservID \(authservID)", "TrustedAuthservIDs \(authservID)",
            "PidFile \(path("opendmarc.pid"))", "Background false", "Syslog false", "RejectFailures true",
            "HoldQuarantinedMessages true", "SPFSelfValidate true", "IgnoreHosts \(path("ignore-hosts"))",
            "PublicSuffixList /usr/share/publicsuffix/public_suffix_list.dat", "FailureReports false", "RequiredHeaders false",
        ])
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func write(_ name: String, _ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    /// Starts both daemons in the foreground, each in its own namespace (`unshare` execs `sh`, which execs the daemon:
    /// the process started is the daemon), and waits until both listen.
    package func start() async throws {
        let resolvConf = try labVariable("STOCKADE_LAB_RESOLV_CONF")
        for (daemon, options) in [("opendkim", ["-f", "-x", path("opendkim.conf")]), ("opendmarc", ["-f", "-c", path("opendmarc.conf")])] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try locateTool("unshare"))
            process.arguments = ["-m", "--propagation", "private", "sh", "-c", "mount --bind \"$1\" /etc/resolv.conf && shift && exec \"$@\"",
                                 "sh", resolvConf, try locateTool(daemon)] + options
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            daemons.append(process)
        }
        for _ in 0..<200 where !(canConnect(host: "127.0.0.1", port: openDKIMPort) && canConnect(host: "127.0.0.1", port: openDMARCPort)) {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops both (the processes started) and removes the directory.
    package func stop() {
        for daemon in daemons where daemon.isRunning {
            daemon.terminate()
            daemon.waitUntilExit()
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
