import Board
import CortexM
import NORFlash
import STM32U5
import Testing
import VirtualTime

/// Uses only the public API, as the machine and the session will.
@Suite("Public API")
struct PublicAPITests {
    @Test("The machine can map every region and drive OCTOSPI1 through `Peripheral` alone")
    func machineView() {
        let clock = VirtualClock()
        let flash = RecordingFlash()
        let soc = STM32U5G7(board: .defaultBoard, flash: flash, clock: clock)
        #expect(soc.mmioRegions.filter { !$0.name.hasPrefix("unmodeled") }.count == 2 * 21 + 3, "21 register blocks (with DLYB_OCTOSPI1/2 and the HSPI1 stub) × (non-secure, secure) + 3 windows (OCTOSPI1, OCTOSPI2, HSPI1 stub)")
        func find(_ address: UInt32) -> STM32U5G7.MMIORegion? {
            soc.mmioRegions.first { address >= $0.base && UInt64(address) < UInt64($0.base) + UInt64($0.size) }
        }
        var error: BusErrorKind?
        guard let rcc = find(0x4602_0C90), let o1 = find(0x420D_1400) else { Issue.record("unmapped"); return }
        rcc.peripheral.write(offset: 0x90, width: .word, value: 1 << 4, error: &error)
        o1.peripheral.write(offset: 0x008, width: .word, value: 25 << 16, error: &error)
        #expect(o1.peripheral.read(offset: 0x008, width: .word, error: &error) == 25 << 16)
        #expect(error == nil)
        #expect(soc.octospi1.deviceBytes == 64 << 20)
        #expect(soc.rcc.sysclkHz == 4_000_000)
        let events = soc.drainEvents()
        #expect(events.isEmpty, "\(events)")
        if case .failure(let e) = soc.debugRead(address: 0x9000_0000, count: 4) {
            #expect(e == .busError(address: 0x9000_0000, instance: 1))
        } else {
            Issue.record("a window read outside memory-mapped mode must fail")
        }
    }
}
