import Testing
@testable import LoaderFile

/// The 200-byte layout of cubeprogrammer-loader.md §1.2, checked against bytes laid out by hand.
@Suite struct StorageInfoTests {
    /// ST's `MX25LM51245G_STM32U585I-IOT02A/Sources/Loader/Dev_Inf.c`, laid out as the C compiler
    /// does (AAPCS natural alignment), written field by field at the table's offsets.
    static let stU585Bytes: [UInt8] = {
        var b = [UInt8](repeating: 0, count: 200)
        let name = Array("MX25LM51245G_STM32U585I-IOT02A".utf8)
        b.replaceSubrange(0..<name.count, with: name)
        b[0x64] = 3                                            // NOR_FLASH
        b.replaceSubrange(0x68..<0x6C, with: [0x00, 0x00, 0x00, 0x70])  // 0x70000000
        b.replaceSubrange(0x6C..<0x70, with: [0x00, 0x00, 0x00, 0x04])  // 0x4000000
        b.replaceSubrange(0x70..<0x74, with: [0x00, 0x10, 0x00, 0x00])  // 0x1000
        b[0x74] = 0xFF
        b.replaceSubrange(0x78..<0x80, with: [0x00, 0x04, 0, 0, 0x00, 0x00, 0x01, 0x00])  // 0x400 × 0x10000
        return b
    }()

    @Test func decodesEveryFieldOfAHandMadeBlock() throws {
        let info = try StorageInfo(decoding: Self.stU585Bytes)
        #expect(info.deviceName == "MX25LM51245G_STM32U585I-IOT02A")
        #expect(info.isDeviceNameTerminated)
        #expect(info.deviceType == 3)
        #expect(info.knownDeviceType == .norFlash)
        #expect(info.deviceStartAddress == 0x7000_0000)
        #expect(info.deviceSize == 0x400_0000)
        #expect(info.pageSize == 0x1000)
        #expect(info.eraseValue == 0xFF)
        #expect(info.usedSectors == [.init(count: 0x400, size: 0x1_0000)])
        #expect(info.hasSectorTerminator)
        #expect(info.sectorTableTotal == 0x400_0000)
        #expect(!info.hasNonzeroPadding)
    }

    @Test func encodingTheDecodedBlockGivesBackTheSameBytes() throws {
        #expect(try StorageInfo(decoding: Self.stU585Bytes).encoded() == Self.stU585Bytes)
    }

    @Test func roundTripKeepsPaddingAndBytesAfterTheTerminator() throws {
        var bytes = Self.stU585Bytes
        bytes[0x66] = 0xAA
        bytes[0x77] = 0x55
        bytes[0x90] = 0x12  // inside slot 3, after the {0,0} terminator in slot 1
        bytes[0x50] = 0x41  // junk after the name's NUL
        let info = try StorageInfo(decoding: bytes)
        #expect(info.encoded() == bytes)
        #expect(info.hasNonzeroPadding)
        #expect(try StorageInfo(decoding: info.encoded()) == info)
    }

    @Test func aBuiltDescriptorEncodesToTheDocumentedOffsets() {
        let info = StorageInfo(
            deviceName: "IS25LP512M_STM32U5G7", deviceType: 3, deviceStartAddress: 0x9000_0000,
            deviceSize: 0x400_0000, pageSize: 0x100, sectors: [.init(count: 1024, size: 0x1_0000)]
        )
        let bytes = info.encoded()
        #expect(bytes.count == 200)
        #expect(Array(bytes[0..<20]) == Array("IS25LP512M_STM32U5G7".utf8) && bytes[20] == 0)
        #expect(Array(bytes[0x68..<0x6C]) == [0, 0, 0, 0x90])
        #expect(Array(bytes[0x70..<0x74]) == [0, 1, 0, 0])
        #expect(bytes[0x74] == 0xFF)
        #expect(Array(bytes[0x78..<0x80]) == [0, 4, 0, 0, 0, 0, 1, 0])
        #expect(bytes[0x80..<200].allSatisfy { $0 == 0 })
    }

    @Test func aBlockOfAnotherSizeIsRejectedByTheStrictDecoder() {
        #expect(throws: StorageInfoError(byteCount: 136)) { try StorageInfo(decoding: Array(Self.stU585Bytes.prefix(136))) }
    }

    @Test func aLongNameIsCutSoThatANulAlwaysFollows() {
        var info = StorageInfo(deviceName: "", deviceType: 3, deviceStartAddress: 0, deviceSize: 0, pageSize: 0, sectors: [])
        info.deviceName = String(repeating: "N", count: 150)
        #expect(info.deviceName.count == 99)
        #expect(info.isDeviceNameTerminated)
    }
}
