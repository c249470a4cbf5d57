import ELF
import Foundation
import Testing
@testable import LoaderFile

/// A loader linked by a real toolchain (not ELFBuilder), so that the reader is checked against
/// what ld.lld actually writes. Built on this machine with the Swift toolchain's clang and ld.lld:
///
/// ```c
/// // loader.c: clang -target armv7em-none-none-eabi -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16 -Os -ffunction-sections -c
/// struct DeviceSectors { unsigned long SectorNum; unsigned long SectorSize; };
/// struct StorageInfo { char DeviceName[100]; unsigned short DeviceType; unsigned long DeviceStartAddress;
///   unsigned long DeviceSize; unsigned long PageSize; unsigned char EraseValue; struct DeviceSectors sectors[10]; };
/// __attribute__((used, section(".Dev_info"))) const struct StorageInfo StorageInfo =
///   { "RealLoader", 3, 0x90000000, 0x4000000, 0x100, 0xFF, { {0x400, 0x10000}, {0, 0} } };
/// static int counter;
/// float scale = 1.5f;
/// __attribute__((used)) int Init(void) { counter = 0; __asm volatile("cpsid i"); return 1; }
/// __attribute__((used)) int Write(unsigned a, unsigned s, unsigned char *b) {
///   counter += s; *(volatile unsigned*)0xE000ED08 = 0x20000000; return (int)(s * scale) > 0; }
/// __attribute__((used)) int SectorErase(unsigned a, unsigned b) { return 1; }
/// ```
/// linked with `ld.lld -T loader.ld -z max-page-size=4 --no-rosegment` and ST's two-PHDRS layout:
/// `PHDRS { Loader PT_LOAD ; SgInfo PT_LOAD ; }`, RAM at 0x20000004, `.Dev_info` in `:SgInfo`.
/// Expected values are those `readelf -lhs` prints for the file.
@Suite struct RealToolchainLoaderTests {
    static let bytes = [UInt8](Data(base64Encoded: "f0VMRgEBAQAAAAAAAAAAAAIAKAABAAAABQAAIDQAAAAoAwAAAAQABTQAIAACACgACQAHAAEAAAB0AAAABAAAIAQAACBkAAAAaAAAAAcAAAAEAAAAAQAAANgAAABsAAAgbAAAIMgAAADIAAAABAAAAAQAAABA8mgAwvIAAAAhAWABIHK2cEdA8mgAwvIAAAJoAO4QGgpEAmBO9ghQzvIAAE/wAFICYEDyZADC8gAAkO0AGrjuQAoh7gAKve7AChDuEAoAKE/wAADIvwEgcEcBIHBHAAAAAMA/UmVhbExvYWRlcgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAAAAACQAAAABAABAAD/AAAAAAQAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBSAAAAGFlYWJpAAE+AAAAQzIuMDkABWNvcnRleC1tNAAGDQdNCAAJAgoIDgARARIEFAEVABcDGAEZARoCGwEcAR4DIgEkASYBAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAQA8f8KAAAABAAAIAAAAAAAAAEADQAAAGgAACAEAAAAAQADABUAAAAWAAAgAAAAAAAAAQAYAAAAXgAAIAAAAAAAAAEAGwAAAAUAACASAAAAEgABACAAAAAXAAAgSAAAABIAAQAmAAAAZAAAIAQAAAARAAIALAAAAF8AACAEAAAAEgABADgAAABsAAAgyAAAABEABAAALnRleHQALmRhdGEALmJzcwAuRGV2X2luZm8ALkFSTS5hdHRyaWJ1dGVzAC5zeW10YWIALnNoc3RydGFiAC5zdHJ0YWIAAGxvYWRlci5jACR0AGNvdW50ZXIAJHQAJHQASW5pdABXcml0ZQBzY2FsZQBTZWN0b3JFcmFzZQBTdG9yYWdlSW5mbwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAQAAAAYAAAAEAAAgdAAAAF4AAAAAAAAAAAAAAAQAAAAAAAAABwAAAAEAAAADAAAAZAAAINQAAAAEAAAAAAAAAAAAAAAEAAAAAAAAAA0AAAAIAAAAAwAAAGgAACDYAAAABAAAAAAAAAAAAAAABAAAAAAAAAASAAAAAQAAAAIAAABsAAAg2AAAAMgAAAAAAAAAAAAAAAQAAAAAAAAAHAAAAAMAAHAAAAAAAAAAAKABAABJAAAAAAAAAAAAAAABAAAAAAAAACwAAAACAAAAAAAAAAAAAADsAQAAsAAAAAgAAAAGAAAABAAAABAAAAA0AAAAAwAAAAAAAAAAAAAAnAIAAEYAAAAAAAAAAAAAAAEAAAAAAAAAPgAAAAMAAAAAAAAAAAAAAOICAABEAAAAAAAAAAAAAAABAAAAAAAAAA==") ?? Data())

    let loader: LoaderFile

    init() throws {
        loader = try LoaderFile(bytes: Self.bytes, name: "RealLoader.stldr")
    }

    @Test func readsTheHeaderAsReadelfDoes() {
        #expect(Self.bytes.count == 1168)
        #expect(loader.elf.entry == 0x2000_0005)
        #expect(loader.elf.flags == 0x0500_0400)
    }

    @Test func readsTheTwoLoadSegmentsAsReadelfDoes() {
        let segments = loader.loadSegments
        #expect(segments.map(\.fileOffset) == [0x74, 0xD8])
        #expect(segments.map(\.virtualAddress) == [0x2000_0004, 0x2000_006C])
        #expect(segments.map(\.fileSize) == [0x64, 0xC8])
        #expect(segments.map(\.memorySize) == [0x68, 0xC8])
        #expect(segments.map(\.flags) == [7, 4])
        #expect(segments.map(\.isStorageInfoSegment) == [false, true])
    }

    @Test func readsTheSymbolsAsReadelfDoes() throws {
        #expect(loader.entryPoints.map(\.name) == ["Init", "Write", "SectorErase"])
        #expect(loader.entryPoints.map(\.address) == [0x2000_0005, 0x2000_0017, 0x2000_005F])
        #expect(loader.entryPoints.map(\.size) == [18, 72, 4])
        let counter = try #require(loader.elf.symbol(named: "counter"))
        #expect(counter.binding == .local && counter.kind == .object && counter.value == 0x2000_0068)
        #expect(loader.storageInfoSymbol?.value == 0x2000_006C)
        #expect(loader.storageInfoSymbol?.size == 200)
    }

    @Test func decodesTheStorageInfoTheCompilerLaidOut() throws {
        let info = try #require(loader.storageInfo)
        #expect(info.deviceName == "RealLoader")
        #expect(info.deviceType == 3)
        #expect(info.deviceStartAddress == 0x9000_0000)
        #expect(info.deviceSize == 0x400_0000)
        #expect(info.pageSize == 0x100)
        #expect(info.eraseValue == 0xFF)
        #expect(info.usedSectors == [.init(count: 0x400, size: 0x1_0000)])
        #expect(!info.hasNonzeroPadding)
        #expect(info.encoded() == Array(Self.bytes[0xD8..<(0xD8 + 200)]))
    }

    @Test func symbolizesAnAddressInsideWrite() throws {
        let hit = try #require(loader.elf.symbolize(address: 0x2000_0030))
        #expect(hit.name == "Write" && hit.offset == 0x1A)
    }

    @Test func findsTheHardFloatABITheVTORStoreAndTheUnzeroedBss() {
        let findings = loader.lint()
        #expect(findings.map(\.code) == ["hard-float", "vtor-write", "bss-not-loaded"])
        // clang builds 0xE000ED08 with MOVW r0, #0xED08 / MOVT r0, #0xE000 at 0x2000_0028 in Write.
        #expect(findings[1].address == 0x2000_0028)
        #expect(findings[1].message.contains("Write+0x12"))
        // CPSID i (0xB672) disables interrupts and must not be mistaken for CPSIE i.
        #expect(!findings.contains { $0.code == "interrupts-enabled" })
    }
}
