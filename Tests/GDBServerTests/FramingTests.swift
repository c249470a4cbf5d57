import GDBServer
import Testing

/// GDB manual, Appendix E.1 "Overview": `$payload#checksum`, modulo-256 sum, `}` escapes.
@Suite struct FramingTests {
    @Test func checksumIsTheModulo256SumOfThePayload() {
        // "OK" = 0x4F + 0x4B = 0x9A
        #expect(RSPFrame.encode("OK") == Array("$OK#9a".utf8))
        #expect(RSPFrame.encode("") == Array("$#00".utf8))
    }

    @Test func reservedBytesAreEscapedAndTheChecksumCoversTheEscapes() {
        let framed = RSPFrame.encode([UInt8(ascii: "$"), UInt8(ascii: "#"), UInt8(ascii: "}"), UInt8(ascii: "*")])
        let body = Array(framed.dropFirst().prefix(8))
        #expect(body == [0x7D, 0x04, 0x7D, 0x03, 0x7D, 0x5D, 0x7D, 0x0A])
        var decoder = RSPFrameDecoder()
        let inputs = decoder.feed(framed)
        #expect(inputs == [.packet(body)])
        #expect(RSPFrame.unescape(body) == Array("$#}*".utf8))
    }

    @Test func aPacketSplitAcrossReadsIsReassembled() {
        var decoder = RSPFrameDecoder()
        let bytes = RSPFrame.encode("qSupported:swbreak+")
        var inputs: [RSPInput] = []
        for byte in bytes { inputs += decoder.feed([byte]) }
        #expect(inputs == [.packet(Array("qSupported:swbreak+".utf8))])
    }

    @Test func acksNaksInterruptsAndNoiseAreTold() {
        var decoder = RSPFrameDecoder()
        #expect(decoder.feed(Array("+-".utf8) + [0x03, 0x41]) == [.ack, .nak, .interrupt, .noise(0x41)])
    }

    @Test func aWrongChecksumIsReportedWithBothValues() {
        var decoder = RSPFrameDecoder()
        #expect(decoder.feed(Array("$OK#00".utf8)) == [.badChecksum(expected: 0x9A, received: 0x00)])
        #expect(decoder.feed(Array("$OK#zz".utf8)) == [.badChecksum(expected: 0x9A, received: 0)])
    }

    @Test func anOversizedPacketIsDroppedWithItsLength() {
        var decoder = RSPFrameDecoder()
        let payload = [UInt8](repeating: UInt8(ascii: "a"), count: RSPFrame.maximumPayload + 10)
        #expect(decoder.feed(RSPFrame.encode(payload)) == [.oversized(RSPFrame.maximumPayload + 10)])
        // The decoder is ready for the next packet.
        #expect(decoder.feed(RSPFrame.encode("g")) == [.packet([UInt8(ascii: "g")])])
    }

    @Test func hexRoundTrips() {
        #expect(Hex.encode([0x00, 0xAB, 0x10]) == "00ab10")
        #expect(Hex.decode("00AB10") == [0x00, 0xAB, 0x10])
        #expect(Hex.decode("0") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.number("20000b00") == 0x2000_0B00)
    }
}
