import ELF
import Foundation
import Testing
@testable import LoaderFile

@Suite struct LoaderReadingTests {
    @Test func findsStorageInfoBySymbolAndItsFileOffset() throws {
        let fixture = LoaderFixture()
        let bytes = fixture.build()
        let loader = try LoaderFile(bytes: bytes, name: fixture.fileName)
        let offset = try #require(loader.storageInfoFileOffset)
        #expect(Array(bytes[offset..<(offset + 200)]) == fixture.storageInfo.encoded())
        #expect(loader.storageInfo == fixture.storageInfo)
    }

    @Test func findsStorageInfoInsideTheCodeRangeThroughItsSection() throws {
        // ST's GCC script puts .Dev_info inside the Loader segment's addresses (§2).
        var fixture = LoaderFixture()
        fixture.infoAddress = 0x2000_0010
        let loader = try fixture.loader()
        #expect(loader.storageInfo == fixture.storageInfo)
    }

    @Test func findsEveryEntryPointWithThumbAddressAndSize() throws {
        let loader = try LoaderFixture().loader()
        #expect(loader.entryPoints.map(\.name) == ["Init", "Write", "SectorErase", "MassErase", "Verify", "CheckSum"])
        let write = try #require(loader.entryPoint(named: "Write"))
        #expect(write.address == 0x2000_0015)
        #expect(write.codeAddress == 0x2000_0014)
        #expect(write.size == 16)
        #expect(loader.entryPoint(named: "Read") == nil)
    }

    @Test func marksTheStorageInfoSegmentAsNotDownloaded() throws {
        let loader = try LoaderFixture().loader()
        #expect(loader.loadSegments.count == 2)
        #expect(loader.loadSegments[0].isDownloaded)
        #expect(loader.loadSegments[1].isStorageInfoSegment)
        #expect(loader.downloadedSegments.map(\.virtualAddress) == [0x2000_0004])
        #expect(loader.downloadedSegments[0].bytes.prefix(4) == [0x01, 0x20, 0x70, 0x47])
    }

    @Test func patchingTheEncodedBlockAtItsOffsetChangesOnlyThatField() throws {
        let fixture = LoaderFixture()
        var bytes = fixture.build()
        let loader = try LoaderFile(bytes: bytes, name: "IS25LP512M_STM32U5G7.stldr")
        var info = try #require(loader.storageInfo)
        info.deviceStartAddress = 0x7000_0000
        let offset = try #require(loader.storageInfoFileOffset)
        bytes.replaceSubrange(offset..<(offset + 200), with: info.encoded())
        let patched = try LoaderFile(bytes: bytes, name: "IS25LP512M_STM32U5G7.stldr")
        #expect(patched.storageInfo?.deviceStartAddress == 0x7000_0000)
        #expect(patched.storageInfo?.deviceName == "IS25LP512M_STM32U5G7")
    }

    @Test func aFileThatIsNotELFIsAnErrorNotAFinding() {
        #expect(throws: LoaderFileError.self) { try LoaderFile(bytes: Array("hello".utf8), name: "x.stldr") }
        #expect(throws: LoaderFileError.unreadable(path: "/nonexistent/x.stldr", reason: "no such file or directory")) { try LoaderFile(path: "/nonexistent/x.stldr") }
        #expect(throws: LoaderFileError.unreadable(path: "/tmp", reason: "is a directory")) { try LoaderFile(path: "/tmp") }
    }

    @Test("A FIFO given as a loader is refused by its kind, not read until it blocks")
    func aFIFOIsNotRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loader-fifo-\(UUID().uuidString)").path
        try #require(mkfifo(path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LoaderFileError.unreadable(path: path, reason: "is a FIFO (named pipe)")) { try LoaderFile(path: path) }
    }

    @Test func theStemDropsOnlyTheLastExtension() throws {
        var fixture = LoaderFixture()
        fixture.fileName = "My.Loader.stldr"
        #expect(try fixture.loader().fileStem == "My.Loader")
    }
}
