import Testing
import VirtualTime
@testable import NORFlash

/// Busy periods carry their label as parts and format it only when printed; the text and
/// equality must be what the eagerly built strings were.
@Suite("Busy operation labels")
struct OperationLabelTests {
    @Test("A page program's busy events read 'Page Program 02h at 0x…' and compare equal to that text")
    func pageProgramLabel() throws {
        let bench = Bench()
        bench.program(0x02, 0x0001_2345, [0x00])
        let started = bench.events.compactMap { e -> FlashOperationLabel? in
            if case .busyStarted(let label, _) = e { return label }
            return nil
        }
        let ended = bench.events.compactMap { e -> FlashOperationLabel? in
            if case .busyEnded(let label) = e { return label }
            return nil
        }
        let command = try #require(FlashPart.is25lp512m.command(0x02))
        let text = "\(command.description) at 0x0001_2345"
        #expect(started.map(\.description) == [text])
        #expect(ended.map(\.description) == [text])
        #expect(started.first == FlashOperationLabel(text))
        #expect(started.first.map { Set([$0, FlashOperationLabel(text)]).count } == 1, "equal labels hash alike")
        #expect(bench.events.contains(.busyStarted(operation: FlashOperationLabel(text), until: .microseconds(2) + FlashPart.is25lp512m.timings(.typical).pageProgram)))
    }

    @Test("Labels from parts are equal exactly when their texts are", arguments: [
        (0x02 as UInt8, UInt32?.some(0x100), 0x02 as UInt8, UInt32?.some(0x100)),
        (0x02, 0x100, 0x02, 0x200),
        (0x02, 0x100, 0x12, 0x100),
        (0x02, nil, 0x02, 0x0),
        (0xC7, nil, 0xC7, nil),
        (0xC7, nil, 0x06, nil),
    ])
    func equalityFollowsText(a: UInt8, addressA: UInt32?, b: UInt8, addressB: UInt32?) throws {
        let x = FlashOperationLabel(command: try #require(FlashPart.is25lp512m.command(a)), address: addressA)
        let y = FlashOperationLabel(command: try #require(FlashPart.is25lp512m.command(b)), address: addressB)
        #expect((x == y) == (x.description == y.description), "\(x) / \(y)")
        #expect((x == FlashOperationLabel(y.description)) == (x.description == y.description))
    }

    @Test("A chip erase's label has no address; a register write's names the command")
    func labelsWithoutAddress() {
        let bench = Bench()
        bench.writeEnable()
        bench.send(Tx.command(0xC7))
        bench.waitUntilReady()
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [0x40]))
        let started = bench.events.compactMap { e -> String? in
            if case .busyStarted(let label, _) = e { return label.description }
            return nil
        }
        let names = [0xC7, 0x01].compactMap { FlashPart.is25lp512m.command($0)?.description }
        #expect(started == names)
    }
}
