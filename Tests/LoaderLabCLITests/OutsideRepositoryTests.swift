import Foundation
import Testing
import TestSupport

/// The commands run from a folder outside the repository, as a user with a loader from the
/// internet runs them: built-in boards, no Boards/ folder to read.
@Suite("loaderlab outside the repository")
struct OutsideRepositoryTests {
    static func loaderlab(_ arguments: [String], in folder: URL) throws -> ProgramCommandTests.Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ProgramCommandTests.executable)
        p.arguments = arguments
        p.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(status: p.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func emptyFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("boards lists the built-in boards, every family member and the catalog parts")
    func boardsListing() throws {
        let folder = try Self.emptyFolder()
        let r = try Self.loaderlab(["boards"], in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["stm32u5g7-is25lp512m", "stm32u5g7-is25lp512m-porte", "stm32u599-w25q512jv", "stm32u545-w25q128jv", "stm32u5a9-mx25lm51245g",
                     "STM32U535", "STM32U585", "STM32U5A9", "STM32U5G9", "HSPI1 (not modelled)", "W25Q128JV (EF 40 18)", "MX25LM51245G (C2 85 3A)"] {
            #expect(r.stdout.contains(name), "missing \(name) in\n\(r.stdout)")
        }
    }

    @Test("program, inspect and identify work from a folder outside the repository with the built-in default board")
    func programInspectIdentifyOutside() throws {
        let loader = try Repository.ourLoaderPath()
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Boards").path))
        let image = folder.appendingPathComponent("sample.hex").path
        #expect(try Self.loaderlab(["sample-image", "--output", image], in: folder).status == 0)

        let program = try Self.loaderlab(["program", "sample.hex", "--loader", loader], in: folder)
        #expect(program.status == 0, "\(program.stdout)\n\(program.stderr)")
        #expect(program.stdout.contains("on stm32u5g7-is25lp512m"))

        let inspect = try Self.loaderlab(["inspect", loader], in: folder)
        #expect(inspect.status == 0, "\(inspect.stderr)")

        let identify = try Self.loaderlab(["identify", loader, "--write-board", "mine.json"], in: folder)
        #expect(identify.status == 0, "\(identify.stdout)\n\(identify.stderr)")
        #expect(identify.stdout.contains("Init succeeds with:") && identify.stdout.contains("IS25LP512M"), "\(identify.stdout)")
        #expect(identify.stdout.contains("PE12  AF10  IO0"), "\(identify.stdout)")
        let written = try String(contentsOf: folder.appendingPathComponent("mine.json"), encoding: .utf8)
        #expect(written.contains("\"schema\": 2") && written.contains("\"flash\": \"IS25LP512M\""), "\(written)")

        let onWritten = try Self.loaderlab(["program", "sample.hex", "--loader", loader, "--board", "mine.json"], in: folder)
        #expect(onWritten.status == 0, "\(onWritten.stdout)\n\(onWritten.stderr)")

        let json = try Self.loaderlab(["identify", loader, "--json"], in: folder)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["fits"] as? [String])?.contains("IS25LP512M") == true)
        #expect(object?["octospi"] as? Int == 1 && object?["port"] as? Int == 1)
    }

    @Test("An unknown --board that is neither a built-in name nor a file names the built-in boards, exit 2")
    func unknownBoard() throws {
        let folder = try Self.emptyFolder()
        let r = try Self.loaderlab(["program", "x.hex", "--loader", "x.stldr", "--board", "no-such-board"], in: folder)
        #expect(r.status == 2)
        #expect(r.stderr.contains("no built-in board of that name") && r.stderr.contains("stm32u5a9-mx25lm51245g"), "\(r.stderr)")
    }
}
