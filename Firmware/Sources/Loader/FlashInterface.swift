/// The internal flash interface, only for its read latency (RM0456 §7). Non-secure base
/// 0x4002_2000; ACR at offset 0, LATENCY b3:0 (nuttx stm32u5 stm32_flash.h).
enum FlashInterface {
    static let acr = Register(0x4002_2000)
    static let latencyMask: UInt32 = 0xF

    /// Wait states in voltage range 1: one per started 32 MHz of HCLK, so 4 at 160 MHz
    /// (RM0456 table "number of wait states according to CPU clock frequency" [MEM]; the
    /// 160 MHz / 4 WS point is confirmed by ST's SystemClock_Config and Zephyr).
    static func waitStates(forHz hz: UInt32) -> UInt32 {
        hz <= 32_000_000 ? 0 : (hz - 1) / 32_000_000
    }
}
