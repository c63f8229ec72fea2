/*
 * sensor: the device's register interface, shared by the app
 * (apps/sensor/main.c) and its driver (guests/app-sensor.c). It uses
 * nothing but <stdint.h>.
 *
 * A periodic sampling device: once enabled it takes a sample every
 * PERIOD_US microseconds, stores it with a sequence number and timestamps,
 * sets STATUS.READY and raises SENSOR_SPI (level) until the driver writes
 * READY to ACK. One page of registers (the manifest's `mmio` range, any
 * page-aligned base; only the offset within the page matters), each 8-byte
 * slot holding one 64-bit register or two 32-bit ones, little-endian.
 * Reads of any size that stay inside one slot work; writes are 32-bit, to
 * CTRL, PERIOD_US and ACK only; everything else reads as zero and ignores
 * writes.
 *
 * Times are the app clock (APP_SYS_TIME: ns since the domain started),
 * readable at NOW. A sample's value is sensor_waveform(its DEADLINE), so a
 * driver can check every sample exactly.
 *
 * Reading SEQ latches the last sample: SAMPLE, TIMESTAMP and DEADLINE then
 * read that sample's values until SEQ is read again, so a driver that
 * reads SEQ first sees one consistent sample even if the next one is taken
 * meanwhile (a 64-bit read of SEQ gets SAMPLE in its top half).
 */
#ifndef SENSOR_H
#define SENSOR_H

#include <stdint.h>

#define SENSOR_MMIO_SIZE	0x1000
#define SENSOR_SPI		42	/* the manifest must grant it: irqs = <42>; */

#define SENSOR_ID		0x00	/* RO 32: SENSOR_ID_VALUE */
#define SENSOR_VERSION		0x04	/* RO 32: SENSOR_VERSION_1_0 */
#define SENSOR_CTRL		0x08	/* RW 32: SENSOR_CTRL_* */
#define SENSOR_PERIOD_US	0x0c	/* RW 32: clamped to [MIN, MAX] */
#define SENSOR_STATUS		0x10	/* RO 32: SENSOR_STATUS_* */
#define SENSOR_ACK		0x14	/* WO 32: write 1 to clear STATUS bits; reads 0 */
#define SENSOR_SEQ		0x18	/* RO 32: samples since enabled (the first is 1); latches */
#define SENSOR_SAMPLE		0x1c	/* RO 32: latched sample value (signed) */
#define SENSOR_TIMESTAMP	0x20	/* RO 64: latched: app time the sample was taken */
#define SENSOR_DEADLINE		0x28	/* RO 64: latched: app time it was due */
#define SENSOR_NOW		0x30	/* RO 64: app time now */
#define SENSOR_MISSED		0x38	/* RO 32: periods skipped since enabled */
#define SENSOR_RESETS		0x3c	/* RO 32: domain resets seen (see below) */

#define SENSOR_ID_VALUE		0x534e4553u	/* "SENS" in memory order */
#define SENSOR_VERSION_1_0	0x10000u

/*
 * ENABLE 0 -> 1: SEQ and MISSED restart at 0, STATUS is cleared, the first
 * sample is due PERIOD_US after the write, the next ones every PERIOD_US
 * after the previous deadline (a late timer delays one sample, not the
 * schedule). ENABLE 1 -> 0: no sample is taken any more, STATUS.READY and
 * OVERRUN clear, the interrupt drops. A PERIOD_US write takes effect when
 * the next sample is scheduled.
 */
#define SENSOR_CTRL_ENABLE	(1u << 0)

/*
 * A domain reset (the guest's SYSTEM_RESET) returns every register to its
 * power-on value, sampling off, except RESETS, which counts them: a driver
 * can tell a reboot from a first boot. (An app fault reloads the app, and
 * RESETS restarts at 0 too.)
 */

/* READY: a sample not acknowledged yet (SENSOR_SPI is asserted while set);
 * OVERRUN: a sample was taken while READY was still set. */
#define SENSOR_STATUS_READY	(1u << 0)
#define SENSOR_STATUS_OVERRUN	(1u << 1)

#define SENSOR_PERIOD_MIN_US	100u
#define SENSOR_PERIOD_MAX_US	1000000u
#define SENSOR_PERIOD_DEFAULT_US 1000u

/* The signal: a triangle wave, period 64 ms, from -1000 to 1000. */
#define SENSOR_WAVE_PERIOD_NS	64000000u
#define SENSOR_WAVE_AMPLITUDE	1000

static inline int32_t sensor_waveform(uint64_t t_ns)
{
	const uint64_t half = SENSOR_WAVE_PERIOD_NS / 2;
	uint64_t phase = t_ns % SENSOR_WAVE_PERIOD_NS;
	uint64_t rise = phase < half ? phase : SENSOR_WAVE_PERIOD_NS - phase;	/* 0..half */

	return (int32_t)(rise * 2 * SENSOR_WAVE_AMPLITUDE / half) - SENSOR_WAVE_AMPLITUDE;
}

#endif
