import Foundation
import Testing
import TestSupport

/// `make fuzz` builds each library module with swiftc by hand (Fuzz/build.sh), outside
/// SwiftPM, so nothing else notices when the package's module graph changes under it: a
/// module compiled before one it imports fails, and a static library listed after one that
/// uses it leaves symbols unresolved. Building the fuzz targets takes minutes, too long for
/// every CI run; these tests check the script's two orders against Package.swift instead.
@Suite("Fuzz build follows the package's module graph")
struct FuzzBuildOrderTests {
    /// Library target name → the package targets it depends on (products of other packages
    /// and the C module left out).
    static func packageGraph() throws -> [String: [String]] {
        let manifest = try String(contentsOfFile: Repository.path("Package.swift"), encoding: .utf8)
        var graph: [String: [String]] = [:]
        let target = try Regex(#"\.target\(\s*name:\s*"([A-Za-z0-9]+)"(?:,\s*dependencies:\s*\[([^\]]*)\])?"#)
        for match in manifest.matches(of: target) {
            guard let name = match.output[1].substring.map(String.init) else { continue }
            let list = match.output[2].substring.map(String.init) ?? ""
            let deps = list.matches(of: try Regex(#""([A-Za-z0-9]+)""#)).compactMap { $0.output[1].substring.map(String.init) }
            graph[name] = deps.filter { $0 != "CUnicorn" }
        }
        return graph
    }

    static func script() throws -> String {
        try String(contentsOfFile: Repository.path("Fuzz/build.sh"), encoding: .utf8)
    }

    @Test func modulesAreCompiledAfterEveryModuleTheyImport() throws {
        let graph = try Self.packageGraph()
        // C modules first (`for c in …`), then the Swift ones (`for m in …`).
        let lines = try Self.script().split(separator: "\n")
        var order: [String] = []
        for prefix in ["for c in ", "for m in "] {
            let line = try #require(lines.first { $0.hasPrefix(prefix) }, "no '\(prefix)' line")
            order += line.dropFirst(prefix.count).prefix { $0 != ";" }.split(separator: " ").map(String.init)
        }
        #expect(order.count >= 10, "\(order)")
        for (index, module) in order.enumerated() {
            let deps = try #require(graph[module], "Fuzz/build.sh builds \(module), which Package.swift does not declare")
            for dep in deps where graph[dep] != nil {
                let at = try #require(order.firstIndex(of: dep), "\(module) imports \(dep), which Fuzz/build.sh does not build")
                #expect(at < index, "Fuzz/build.sh compiles \(module) before \(dep), which it imports")
            }
        }
    }

    @Test func librariesAreLinkedBeforeTheLibrariesTheyUse() throws {
        let graph = try Self.packageGraph()
        let line = try #require(try Self.script().split(separator: "\n").first { $0.hasPrefix("LIBS=(") })
        let libs = line.matches(of: try Regex(#"-l([A-Za-z0-9]+)"#)).compactMap { $0.output[1].substring.map(String.init) }
            .filter { graph[$0] != nil }
        #expect(libs.count >= 10, "\(libs)")
        for (index, module) in libs.enumerated() {
            for dep in graph[module] ?? [] where graph[dep] != nil {
                let at = try #require(libs.firstIndex(of: dep), "-l\(module) needs -l\(dep), missing from LIBS")
                #expect(at > index, "LIBS lists -l\(dep) before -l\(module), which uses it")
            }
        }
    }
}
