import ELF
import Foundation
import LoaderFile
import Testing
@testable import LoaderLabCLI

/// `loaderlab inspect` run through its parsed command type on loaders written to a temporary directory.
@Suite struct InspectCommandTests {
    /// Writes a hand-made loader named `name` and returns its path.
    static func writeLoader(
        name: String = "IS25LP512M_STM32U5G7.stldr", deviceName: String = "IS25LP512M_STM32U5G7", hardFloat: Bool = false,
        exportStorageInfo: Bool = true
    ) throws -> String {
        var builder = ELFBuilder()
        if hardFloat { builder.flags = 0x0500_0400 }
        let returnOne: [UInt8] = [0x01, 0x20, 0x70, 0x47]
        let names = ["Init", "Write", "SectorErase", "MassErase"]
        let text = builder.addSection(".text", flags: Section.flagAlloc | Section.flagExecute, address: 0x2000_0004, bytes: names.flatMap { _ in returnOne })
        let info = StorageInfo(
            deviceName: deviceName, deviceType: 3, deviceStartAddress: 0x9000_0000, deviceSize: 0x400_0000,
            pageSize: 0x100, eraseValue: 0xFF, sectors: [.init(count: 1024, size: 0x1_0000)]
        )
        let infoSection = builder.addSection(".Dev_info", address: 0, bytes: info.encoded())
        builder.addSegment(flags: 7, sections: [text])
        builder.addSegment(flags: 4, sections: [infoSection])
        for (index, entry) in names.enumerated() {
            builder.addSymbol(entry, value: 0x2000_0005 + UInt32(4 * index), size: 4, section: text)
        }
        if exportStorageInfo {
            builder.addSymbol("StorageInfo", value: 0, size: 200, kind: .object, section: infoSection)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(builder.build()).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, diagnostics: String) {
        let command = try InspectCommand.parse(arguments)
        var output = ""
        var diagnostics = ""
        let status = command.execute(output: { output += $0 }, diagnostics: { diagnostics += $0 })
        return (status, output, diagnostics)
    }

    @Test func textShowsEveryStorageInfoFieldAndEntryPoint() throws {
        let result = try Self.run([try Self.writeLoader()])
        #expect(result.status == 0)
        let text = result.output
        for expected in [
            "DeviceName          \"IS25LP512M_STM32U5G7\"",
            "DeviceType          3 (NOR_FLASH)",
            "DeviceStartAddress  0x9000_0000",
            "DeviceSize          0x4000000 (64 MiB)",
            "PageSize            0x100 (256)",
            "EraseValue          0xFF",
            "[0] 1024 × 0x10000 (64 KiB) = 0x4000000",
            "Sector total        0x4000000 (64 MiB) = DeviceSize",
            "Init        0x2000_0005  size 0x4",
            "Write       0x2000_0009  size 0x4",
            "SectorErase 0x2000_000D  size 0x4",
            "MassErase   0x2000_0011  size 0x4",
            "Verify      -",
            "0  0x2000_0004  0x2000_0004",
            "StorageInfo, not downloaded",
            "No findings.",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\n\(text)")
        }
    }

    @Test func jsonCarriesTheSameContent() throws {
        let result = try Self.run([try Self.writeLoader(), "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["file"] as? String == "IS25LP512M_STM32U5G7.stldr")
        let info = try #require(object["storageInfo"] as? [String: Any])
        #expect(info["deviceName"] as? String == "IS25LP512M_STM32U5G7")
        #expect(info["deviceType"] as? Int == 3)
        #expect(info["deviceTypeName"] as? String == "NOR_FLASH")
        #expect(info["deviceStartAddress"] as? Int == 0x9000_0000)
        #expect(info["deviceSize"] as? Int == 0x400_0000)
        #expect(info["pageSize"] as? Int == 0x100)
        #expect(info["eraseValue"] as? Int == 0xFF)
        let sectors = try #require(info["sectors"] as? [[String: Any]])
        #expect(sectors.count == 1)
        #expect(sectors[0]["count"] as? Int == 1024 && sectors[0]["size"] as? Int == 0x1_0000)
        let entries = try #require(object["entryPoints"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["Init", "Write", "SectorErase", "MassErase"])
        #expect(entries[1]["address"] as? Int == 0x2000_0009)
        #expect(entries[1]["size"] as? Int == 4)
        #expect((object["segments"] as? [Any])?.count == 2)
        #expect((object["findings"] as? [Any])?.count == 0)
    }

    @Test func errorsPrintCompilerStyleAndExitOne() throws {
        let path = try Self.writeLoader(name: "renamed.stldr")
        let result = try Self.run([path])
        #expect(result.status == 1)
        #expect(result.output.contains("renamed.stldr: error: [device-name-mismatch] DeviceName \"IS25LP512M_STM32U5G7\" differs from the file name \"renamed\""))
        let json = try Self.run([path, "--json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.first?["code"] as? String == "device-name-mismatch")
        #expect(findings.first?["severity"] as? String == "error")
    }

    @Test func warningsAloneExitZero() throws {
        let result = try Self.run([try Self.writeLoader(hardFloat: true)])
        #expect(result.status == 0)
        #expect(result.output.contains("IS25LP512M_STM32U5G7.stldr: warning: [hard-float]"))
    }

    @Test func aValidELFWithoutStorageInfoExitsOne() throws {
        let result = try Self.run([try Self.writeLoader(exportStorageInfo: false)])
        #expect(result.status == 1)
        #expect(result.output.contains("StorageInfo: not found"))
        #expect(result.output.contains("error: [storageinfo-missing]"))
        let json = try Self.run([try Self.writeLoader(exportStorageInfo: false), "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["storageInfo"] is NSNull)
        #expect(json.status == 1)
    }

    @Test func aFileThatIsNotELFExitsTwo() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-loader-\(UUID().uuidString).stldr").path
        try Data(":00000001FF\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try Self.run([path])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.diagnostics.contains("error: not an ELF file"))
        #expect(try Self.run(["/nonexistent/loader.stldr"]).status == 2)
    }

    @Test func aTruncatedELFExitsTwo() throws {
        let path = try Self.writeLoader()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(40).write(to: URL(fileURLWithPath: path))
        #expect(try Self.run([path]).status == 2)
    }

    @Test func aSmallerRAMSizeIsHonoured() throws {
        let result = try Self.run([try Self.writeLoader(), "--ram-size", "16"])
        #expect(result.status == 1)
        #expect(result.output.contains("[ram-overflow]"))
    }
}
