// The default questionnaire's (surveys/imc-barriers) first page, as the head of Тотьма (Vologda) fills it in.
export const IMC_PROFILE = {
  country: 'RU',
  region: 'RU-VLG',
  municipality: 'Тотьма',
  municipality_type: 'municipal_okrug',
  size_class: 'small',
  role: 'head',
} as const;
