import ELF
import Testing
@testable import LoaderFile

/// One hand-made loader per defect of cubeprogrammer-loader.md §6; each must produce its code.
@Suite struct LintTests {
    @Test func aCleanLoaderHasNoFindings() throws {
        #expect(try LoaderFixture().loader().lint() == [])
    }

    @Test func missingStorageInfo() throws {
        var fixture = LoaderFixture()
        fixture.exportStorageInfo = false
        let finding = try #require(try fixture.finding("storageinfo-missing"))
        #expect(finding.severity == .error)
    }

    @Test func aStorageInfoOfTwoSectorSlotsIsTheWrongSize() throws {
        var fixture = LoaderFixture()
        fixture.storageInfoBytes = Array(fixture.storageInfo.encoded().prefix(136))  // SECTOR_NUM cut to 2
        let finding = try #require(try fixture.finding("storageinfo-layout"))
        #expect(finding.severity == .error)
        #expect(finding.message.contains("136 bytes"))
        #expect(try fixture.loader().storageInfo?.deviceName == "IS25LP512M_STM32U5G7")  // still shown
    }

    @Test func missingInitAndWrite() throws {
        var fixture = LoaderFixture()
        fixture.entryPoints = ["SectorErase"]
        let findings = try fixture.loader().lint().filter { $0.code == "entry-point-missing" }
        #expect(findings.count == 2)
        #expect(findings[0].message.contains("Init") && findings[1].message.contains("Write"))
    }

    @Test func missingSectorEraseForFlashButNotForRAM() throws {
        var fixture = LoaderFixture()
        fixture.entryPoints = ["Init", "Write"]
        #expect(try fixture.codes() == ["sector-erase-missing"])
        fixture.storageInfo.deviceType = DeviceType.sram.rawValue
        #expect(try fixture.codes() == [])
    }

    @Test func aSectorTableNotSummingToTheDeviceSize() throws {
        var fixture = LoaderFixture()
        fixture.storageInfo.sectors[0] = .init(count: 512, size: 0x1_0000)
        let finding = try #require(try fixture.finding("sector-table-size"))
        #expect(finding.message.contains("0x2000000"))
        #expect(finding.message.contains("0x4000000"))
    }

    @Test func aSectorTableWithoutItsTerminator() throws {
        var fixture = LoaderFixture()
        fixture.storageInfo.sectors = Array(repeating: .init(count: 0x40, size: 0x1_0000), count: 10)
        fixture.storageInfo.deviceSize = 0x280_0000
        #expect(try fixture.codes() == ["sector-table-unterminated"])
    }

    @Test func aDeviceNameWithoutNul() throws {
        var fixture = LoaderFixture()
        fixture.storageInfo.deviceNameField = Array(repeating: UInt8(ascii: "X"), count: 100)
        fixture.fileName = String(repeating: "X", count: 100) + ".stldr"
        #expect(try fixture.codes() == ["device-name-unterminated"])
    }

    @Test func aDeviceNameThatDiffersFromTheFileName() throws {
        var fixture = LoaderFixture()
        fixture.fileName = "IS25LP512M_STM32U5G7_v2.stldr"
        let finding = try #require(try fixture.finding("device-name-mismatch"))
        #expect(finding.severity == .error)
        #expect(finding.message.contains("IS25LP512M_STM32U5G7_v2"))
    }

    @Test func anUnknownDeviceType() throws {
        var fixture = LoaderFixture()
        fixture.storageInfo.deviceType = 11
        #expect(try fixture.codes() == ["device-type-unknown"])
        fixture.storageInfo.deviceType = 0
        #expect(try fixture.codes() == ["device-type-unknown"])
    }

    @Test func nonzeroPadding() throws {
        var fixture = LoaderFixture()
        fixture.storageInfo.paddingAfterEraseValue = [0, 0xCC, 0]
        let finding = try #require(try fixture.finding("storageinfo-padding"))
        #expect(finding.severity == .warning)
        #expect(finding.fileOffset == (try fixture.loader().storageInfoFileOffset).map { $0 + 0x75 })
    }

    @Test func codeLinkedAboveTheRAMBasePlusFour() throws {
        var fixture = LoaderFixture()
        fixture.codeAddress = 0x2000_4004  // what CubeProgrammer 2.20 reportedly used
        #expect(try fixture.codes() == ["load-address"])
        fixture.codeAddress = 0x2400_0004  // an H7 build on a U5: also outside the U5G7's RAM
        #expect(try fixture.codes() == ["load-address", "ram-overflow"])
    }

    @Test func overlappingCodeSegmentsAreAnError() throws {
        var fixture = LoaderFixture()
        fixture.secondCodeSegment = 0x2000_0010
        let finding = try #require(try fixture.finding("segments-overlap"))
        #expect(finding.severity == .error)
    }

    @Test func aStorageInfoSegmentInsideTheCodeRangeIsAWarning() throws {
        var fixture = LoaderFixture()
        fixture.infoAddress = 0x2000_0010
        let finding = try #require(try fixture.finding("segments-overlap"))
        #expect(finding.severity == .warning)
    }

    @Test func positionIndependentSegments() throws {
        var fixture = LoaderFixture()
        fixture.codeFlags = 0x3000_0007  // Keil ROPI + RWPI
        #expect(try fixture.codes() == ["segment-rwpi", "segment-ropi"])
    }

    @Test func hardFloatABI() throws {
        var fixture = LoaderFixture()
        fixture.elfFlags = 0x0500_0400
        let finding = try #require(try fixture.finding("hard-float"))
        #expect(finding.severity == .warning)
    }

    @Test func anImageThatLeavesNoRoomForTheStack() throws {
        var fixture = LoaderFixture()
        fixture.bssSize = 0x2F_0000 - 0x100  // fits, but not with 1 KiB of stack above it
        #expect(try fixture.loader().lint().contains { $0.code == "ram-overflow" && $0.severity == .error })
        fixture.bssSize = 0x1000
        #expect(try !fixture.codes().contains("ram-overflow"))
        // The RAM size is a parameter: an 8 KiB part (U031 SRAM1) cannot hold 16 KiB of .bss.
        fixture.bssSize = 0x4000
        #expect(try fixture.codes(options: LintOptions(ramSize: 8 * 1024)).contains("ram-overflow"))
    }

    @Test func entryPointsWithoutTheThumbBit() throws {
        var fixture = LoaderFixture()
        fixture.thumbBit = false
        let findings = try fixture.loader().lint().filter { $0.code == "entry-point-not-thumb" }
        #expect(findings.count == 6)
        #expect(findings[0].address == 0x2000_0004)
    }

    @Test func aStrippedFile() throws {
        var fixture = LoaderFixture()
        fixture.includeSymbolTable = false
        #expect(try fixture.codes() == ["symbol-table-missing"])
    }

    @Test func codeThatEnablesInterrupts() throws {
        var fixture = LoaderFixture()
        fixture.extraCode = [0x62, 0xB6, 0x70, 0x47]  // cpsie i; bx lr
        let finding = try #require(try fixture.finding("interrupts-enabled"))
        #expect(finding.address == 0x2000_0064)
        #expect(finding.severity == .warning)
    }

    @Test func aLiteralPoolHoldingVTOR() throws {
        var fixture = LoaderFixture()
        fixture.extraCode = [0x08, 0xED, 0x00, 0xE0]  // .word 0xE000ED08
        let finding = try #require(try fixture.finding("vtor-write"))
        #expect(finding.address == 0x2000_0064)
    }

    @Test func aVectorTableOrSysTickHandler() throws {
        var fixture = LoaderFixture()
        fixture.extraSymbols = ["SysTick_Handler", "g_pfnVectors"]
        #expect(try fixture.codes() == ["vector-table", "vector-table"])
    }

    @Test func bssBeyondTheFileBytesIsANote() throws {
        var fixture = LoaderFixture()
        fixture.bssSize = 0x100
        let finding = try #require(try fixture.finding("bss-not-loaded"))
        #expect(finding.severity == .note)
    }

    @Test func findingsAreOrderedErrorsFirst() throws {
        var fixture = LoaderFixture()
        fixture.elfFlags = 0x0500_0400
        fixture.fileName = "other.stldr"
        #expect(try fixture.loader().lint().map(\.severity) == [.error, .warning])
    }

    @Test func aRenderedFindingReadsLikeACompilerDiagnostic() {
        let finding = Finding(code: "storageinfo-layout", severity: .error, message: "StorageInfo is 136 bytes", address: 0, fileOffset: 0x1A40)
        #expect(finding.rendered(file: "loader.stldr") == "loader.stldr: error: [storageinfo-layout] StorageInfo is 136 bytes (address 0x0000_0000, file offset 0x1A40)")
    }
}

@Suite struct VTORInstructionTests {
    @Test func aMOVWMOVTPairBuildingVTORIsFound() throws {
        var fixture = LoaderFixture()
        fixture.extraCode = [0x4E, 0xF6, 0x08, 0x53, 0x00, 0xBF, 0xCE, 0xF2, 0x00, 0x03]  // movw r3,#0xED08; nop; movt r3,#0xE000
        let finding = try #require(try fixture.finding("vtor-write"))
        #expect(finding.address == 0x2000_0064)
    }

    @Test func aMOVTToAnotherRegisterIsNotAPair() throws {
        var fixture = LoaderFixture()
        fixture.extraCode = [0x4E, 0xF6, 0x08, 0x53, 0xCE, 0xF2, 0x00, 0x02]  // movw r3,#0xED08; movt r2,#0xE000
        #expect(try fixture.finding("vtor-write") == nil)
    }
}
