// Reference directories shipped with the app: regions, municipality types, size classes,
// respondent roles, obstacles. Read once; they are data, not code.
import regionsData from './data/regions.json';
import municipalityTypesData from './data/municipality-types.json';
import sizeClassesData from './data/size-classes.json';
import obstaclesData from './data/obstacles.json';
import rolesData from './data/respondent-roles.json';
import districtsData from './data/federal-districts.json';

export type Localized = { ru: string; en: string; uk: string };
export type Region = {
  code: string;
  country: string;
  names: Localized;
  district?: string;
  okato?: string;
  kind?: string;
};
export type Coded = { code: string; names: Localized; country?: string };
export type Obstacle = { code: string; labels: Localized };
export type SizeClass = { code: string; min: number; max: number | null; names: Localized };

export const regions: Region[] = regionsData as Region[];
export const municipalityTypes: Coded[] = municipalityTypesData as Coded[];
export const sizeClasses: SizeClass[] = sizeClassesData as SizeClass[];
export const obstacles: Obstacle[] = obstaclesData as Obstacle[];
export const respondentRoles: Coded[] = rolesData as Coded[];
export const federalDistricts: Coded[] = districtsData as Coded[];

const regionByCode = new Map(regions.map((r) => [r.code, r]));
export function findRegion(code: string): Region | undefined {
  return regionByCode.get(code);
}
export const obstacleCodes: string[] = obstacles.map((o) => o.code);
