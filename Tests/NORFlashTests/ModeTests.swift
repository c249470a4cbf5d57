import Testing
import VirtualTime
@testable import NORFlash

@Suite("QPI, reset, continuous read, power states (reference §A.3, §A.5, §A.7.2-5)")
struct ModeTests {
    @Test("in QPI mode 66h+99h on 4 lines returns the flash to SPI mode; on 1 line they are ignored")
    func resetInQPI() {
        let bench = Bench()
        bench.send(Tx.command(0x35))
        bench.send(Tx.command(0x66))
        bench.send(Tx.command(0x99))
        #expect(bench.flash.isQPI)
        bench.send(Tx.command(0x66, lines: 4))
        bench.send(Tx.command(0x99, lines: 4))
        #expect(!bench.flash.isQPI)
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0x9D, 0x60, 0x1A])
    }

    @Test("software reset clears EXTADD and the volatile bank register, keeps QE")
    func softwareResetRestoresVolatile() {
        let bench = Bench()
        bench.setQuadEnable()
        bench.send(Tx.command(0xB7))
        bench.send(Tx.writeRegister(0x17, [0x81]))
        bench.send(Tx.command(0x66))
        bench.send(Tx.command(0x99))
        #expect(bench.send(Tx.readRegister(0x16)) == [0x00])
        #expect(bench.status() & 0x40 == 0x40)
    }

    @Test("99h not right after 66h is ignored")
    func resetNeedsEnableImmediatelyBefore() {
        let bench = Bench()
        bench.send(Tx.command(0xB7))
        bench.send(Tx.command(0x66))
        bench.send(Tx.readRegister(0x05))
        bench.send(Tx.command(0x99))
        #expect(bench.send(Tx.readRegister(0x16)) == [0x80])
        #expect(bench.has { if case .resetWithoutEnable = $0 { return true } else { return false } })
    }

    @Test("QPI mode and EXTADD survive an MCU reset, not a power cycle")
    func volatileStateSurvivesMCUReset() {
        let bench = Bench()
        bench.send(Tx.command(0xB7))
        bench.send(Tx.command(0x35))
        bench.flash.mcuReset()
        #expect(bench.flash.isQPI && bench.flash.registers.extendedAddressing)
        bench.flash.powerCycle()
        #expect(!bench.flash.isQPI && !bench.flash.registers.extendedAddressing)
    }

    @Test("EBh with mode bits A0h enters continuous read: the next read has no opcode")
    func continuousRead() {
        let bench = Bench()
        let data = pattern(16)
        bench.program(0x02, 0x1000, data)
        bench.setQuadEnable()
        let first = bench.send(Tx.read(0xEB, 0x1000, count: 4, addressLines: 4, dataLines: 4, dummy: 4, alternate: 0xA0))
        #expect(first == Array(data[0..<4]))
        #expect(bench.flash.continuousRead?.opcode == 0xEB)
        var next = Tx.read(0xEB, 0x1008, count: 4, addressLines: 4, dataLines: 4, dummy: 4, alternate: 0xFF)
        next.instruction = nil
        #expect(bench.send(next) == Array(data[8..<12]))
        #expect(bench.flash.continuousRead == nil)
    }

    @Test("an opcode sent while in continuous read is taken as address: swallowed and the mode ends")
    func opcodeInContinuousRead() {
        let bench = Bench()
        bench.setQuadEnable()
        bench.send(Tx.read(0xEB, 0, count: 4, addressLines: 4, dataLines: 4, dummy: 4, alternate: 0xA5))
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0xFF, 0xFF, 0xFF])
        #expect(bench.has { if case .instructionSwallowedByContinuousRead(0x9F) = $0 { return true } else { return false } })
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0x9D, 0x60, 0x1A])
    }

    @Test("in deep power-down only ABh is obeyed")
    func deepPowerDown() {
        let bench = Bench()
        bench.send(Tx.command(0xB9))
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0xFF, 0xFF, 0xFF])
        #expect(bench.has { if case .ignoredInDeepPowerDown(0x9F) = $0 { return true } else { return false } })
        bench.send(Tx.command(0xAB))
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0x9D, 0x60, 0x1A])
    }
}

@Suite("Reads in QPI mode (reference §A.3 35h, §A.4 dummy defaults)")
struct QPIReadTests {
    @Test("EBh 4-4-4 with a mode byte and 4 dummies reads the data; a 1-line address phase does not")
    func quadIOInQPI() {
        let bench = Bench()
        let data = pattern(8, seed: 9)
        bench.program(0x02, 0x2000, data)
        bench.send(Tx.command(0x35))
        let good = bench.send(Tx.read(0xEB, 0x2000, count: 8, instructionLines: 4, addressLines: 4, dataLines: 4, dummy: 4, alternate: 0x00))
        #expect(good == data)
        let bad = bench.send(Tx.read(0xEB, 0x2000, count: 2, instructionLines: 4, addressLines: 1, dataLines: 4, dummy: 4, alternate: 0x00))
        #expect(bad == [0xFF, 0xFF])
    }

    @Test("Write Enable and page program work on 4 lines in QPI mode")
    func programInQPI() {
        let bench = Bench()
        bench.send(Tx.command(0x35))
        bench.writeEnable(lines: 4)
        bench.send(SPITransaction(instruction: 0x12, instructionFormat: .quad, address: 0x0100_0000, addressSize: 4,
                                  addressFormat: .quad, direction: .write([0x5A]), dataFormat: .quad))
        #expect(bench.flash.read(address: 0x0100_0000, count: 1) == [0x5A])
    }
}
