// Tile-grid maps of the regions: one equal square per region, placed roughly where the region
// lies (west → east is x, north → south is y), Russia and Ukraine as two separate grids. No
// geographic boundaries are needed; the layout is hand-made from the reference list
// (server/src/reference/data/regions.json), and test/unit/tile-grid.test.ts checks that every
// region there has exactly one tile and no two tiles overlap.

export type Country = 'RU' | 'UA';

/** [column, row] of each region's tile in its country's grid. */
export const TILE_GRID: Record<string, readonly [number, number]> = {
  // Russia
  'RU-MUR': [3, 0],
  'RU-CHU': [15, 0],
  'RU-KR': [2, 1],
  'RU-ARK': [3, 1],
  'RU-NEN': [4, 1],
  'RU-YAN': [7, 1],
  'RU-KYA': [9, 1],
  'RU-SA': [11, 1],
  'RU-MAG': [14, 1],
  'RU-KAM': [15, 1],
  'RU-SPE': [1, 2],
  'RU-LEN': [2, 2],
  'RU-VLG': [3, 2],
  'RU-KO': [4, 2],
  'RU-KHM': [6, 2],
  'RU-TOM': [8, 2],
  'RU-IRK': [10, 2],
  'RU-ZAB': [12, 2],
  'RU-AMU': [13, 2],
  'RU-KHA': [14, 2],
  'RU-SAK': [15, 2],
  'RU-KGD': [0, 3],
  'RU-PSK': [1, 3],
  'RU-NGR': [2, 3],
  'RU-YAR': [3, 3],
  'RU-KOS': [4, 3],
  'RU-KIR': [5, 3],
  'RU-PER': [6, 3],
  'RU-SVE': [7, 3],
  'RU-TYU': [8, 3],
  'RU-OMS': [9, 3],
  'RU-NVS': [10, 3],
  'RU-KEM': [11, 3],
  'RU-BU': [12, 3],
  'RU-YEV': [13, 3],
  'RU-SMO': [1, 4],
  'RU-TVE': [2, 4],
  'RU-MOW': [3, 4],
  'RU-IVA': [4, 4],
  'RU-NIZ': [5, 4],
  'RU-UD': [6, 4],
  'RU-BA': [7, 4],
  'RU-KGN': [8, 4],
  'RU-ALT': [10, 4],
  'RU-KK': [11, 4],
  'RU-TY': [12, 4],
  'RU-PRI': [13, 4],
  'RU-BRY': [1, 5],
  'RU-KLU': [2, 5],
  'RU-MOS': [3, 5],
  'RU-VLA': [4, 5],
  'RU-ME': [5, 5],
  'RU-TA': [6, 5],
  'RU-CHE': [7, 5],
  'RU-AL': [10, 5],
  'RU-KRS': [1, 6],
  'RU-ORL': [2, 6],
  'RU-TUL': [3, 6],
  'RU-RYA': [4, 6],
  'RU-CU': [5, 6],
  'RU-ULY': [6, 6],
  'RU-ORE': [7, 6],
  'RU-BEL': [1, 7],
  'RU-LIP': [2, 7],
  'RU-TAM': [3, 7],
  'RU-MO': [4, 7],
  'RU-PNZ': [5, 7],
  'RU-SAM': [6, 7],
  'RU-VOR': [1, 8],
  'RU-ROS': [2, 8],
  'RU-VGG': [3, 8],
  'RU-SAR': [4, 8],
  'RU-KDA': [1, 9],
  'RU-AD': [2, 9],
  'RU-STA': [3, 9],
  'RU-KL': [4, 9],
  'RU-AST': [5, 9],
  'RU-KC': [1, 10],
  'RU-KB': [2, 10],
  'RU-SE': [3, 10],
  'RU-IN': [4, 10],
  'RU-CE': [5, 10],
  'RU-DA': [6, 10],
  // Ukraine
  'UA-07': [2, 0],
  'UA-56': [3, 0],
  'UA-18': [5, 0],
  'UA-30': [6, 0],
  'UA-74': [7, 0],
  'UA-59': [8, 0],
  'UA-46': [1, 1],
  'UA-61': [2, 1],
  'UA-68': [3, 1],
  'UA-05': [4, 1],
  'UA-32': [5, 1],
  'UA-71': [6, 1],
  'UA-53': [7, 1],
  'UA-63': [8, 1],
  'UA-09': [9, 1],
  'UA-21': [1, 2],
  'UA-26': [2, 2],
  'UA-77': [3, 2],
  'UA-35': [5, 2],
  'UA-12': [6, 2],
  'UA-23': [7, 2],
  'UA-14': [8, 2],
  'UA-51': [4, 3],
  'UA-48': [5, 3],
  'UA-65': [6, 3],
  'UA-40': [5, 4],
  'UA-43': [6, 4],
};

export const countryOf = (code: string): Country | null =>
  code.startsWith('RU-') ? 'RU' : code.startsWith('UA-') ? 'UA' : null;

/** The tiles of one country and the size of its grid. */
export function gridOf(country: Country): { tiles: [string, number, number][]; cols: number; rows: number } {
  const tiles = Object.entries(TILE_GRID)
    .filter(([code]) => countryOf(code) === country)
    .map(([code, [x, y]]) => [code, x, y] as [string, number, number]);
  return {
    tiles,
    cols: Math.max(...tiles.map((t) => t[1])) + 1,
    rows: Math.max(...tiles.map((t) => t[2])) + 1,
  };
}

/**
 * The short label on a tile: the letters after the country prefix, except for Ukraine, whose
 * ISO 3166-2 codes are numbers; there a three-letter latin abbreviation of the oblast.
 */
const UA_SHORT: Record<string, string> = {
  'UA-05': 'VIN',
  'UA-07': 'VOL',
  'UA-09': 'LUH',
  'UA-12': 'DNI',
  'UA-14': 'DON',
  'UA-18': 'ZHY',
  'UA-21': 'ZAK',
  'UA-23': 'ZAP',
  'UA-26': 'IVF',
  'UA-30': 'KYV',
  'UA-32': 'KYO',
  'UA-35': 'KIR',
  'UA-40': 'SEV',
  'UA-43': 'CRI',
  'UA-46': 'LVI',
  'UA-48': 'MYK',
  'UA-51': 'ODE',
  'UA-53': 'POL',
  'UA-56': 'RIV',
  'UA-59': 'SUM',
  'UA-61': 'TER',
  'UA-63': 'KHA',
  'UA-65': 'KHE',
  'UA-68': 'KHM',
  'UA-71': 'CHK',
  'UA-74': 'CHN',
  'UA-77': 'CHV',
};

export const tileLabel = (code: string): string => UA_SHORT[code] ?? code.slice(3);
