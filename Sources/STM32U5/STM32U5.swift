// STM32U5: see the issue that builds it.
