export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zones a council is likely to pick first; any valid IANA zone is accepted by command. */
export const COMMON_TIME_ZONES = ['Europe/Stockholm', 'Europe/Helsinki', 'Europe/Oslo', 'Europe/Copenhagen', 'UTC'] as const;
