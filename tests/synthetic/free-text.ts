/**
 * A synthetic free-text set: study/series descriptions, comments and SR text values with PHI
 * planted among clinical text, each planted value recorded with its kind and place. Seeded and
 * deterministic: the same seed always gives the same samples.
 *
 * The clinical text around the plants is what must survive: anatomy, procedures, measurements
 * ("3.2 cm"), MR sequences ("T2 FLAIR"), drug names and eponymous diseases and signs
 * ("Parkinson", "Hodgkin", "Crohn", "Down syndrome") — capitalised words that are not PHI.
 *
 * Kinds: person (patients' relatives, staff, other patients; names from many cultures),
 * organisation (employers, referring clinics), place (towns), address (street addresses with
 * postcodes / ZIP codes), phone (UK, US, EU and other international spellings), email,
 * id (MRN-like, NHS-number-like, prefixed hospital numbers) and date (ISO, dotted, long and
 * US spellings, two-digit years).
 */

import { mulberry32 } from './random.ts';

// The planted kinds are the detector's own: one list, so a kind added there is planted and scored here.
export { FREE_TEXT_KINDS, type FreeTextKind } from '../../src/core/detect/free-text/kinds.ts';
import type { FreeTextKind } from '../../src/core/detect/free-text/kinds.ts';

export interface PlantedSpan {
  kind: FreeTextKind;
  value: string;
  start: number;
  end: number;
}

export interface FreeTextSample {
  /** Where such text lives in a DICOM file. */
  field: 'description' | 'comment' | 'sr';
  text: string;
  planted: PlantedSpan[];
}

// --- People: given and family names from many naming traditions -------------------------------
const GIVEN = [
  'Margaret', 'Oliver', 'Siobhan', 'Gareth', 'Chidi', 'Ngozi', 'Ananya', 'Rohan', 'Wei', 'Mei-Ling',
  'Fatima', 'Youssef', 'Jürgen', 'Annelie', 'Agnieszka', 'Tomasz', 'Haruto', 'Yuki', 'Astrid', 'Lars',
  'Lucía', 'Mateo', 'Thandiwe', 'Kwame', 'Priya', 'Ahmed', 'Svetlana', 'Dmitri', 'Aoife', 'Malik',
  'Isabella', 'Giovanni', 'Nguyen', 'Minh', 'Seo-yeon', 'Kofi', 'Leilani', 'Bronwyn', 'Étienne', 'Zainab',
];
const FAMILY = [
  'Okonkwo', 'Raghunathan', 'Fenwick', 'Thistlewood', 'Adeyemi', 'Chakraborty', 'Zhang', 'Liang',
  'Haddad', 'El-Amin', 'Müller', 'Schröder', 'Kowalczyk', 'Wiśniewski', 'Takahashi', 'Yamamoto',
  'Lindqvist', 'Johansson', 'García-Márquez', 'Fernández', 'Mbeki', 'Asante', 'Krishnamurthy', 'Petrova',
  'Volkov', "O'Sullivan", 'McAllister', 'Rossi', 'Esposito', 'Tran', 'Park', 'Mensah', 'Kahananui',
  'Pritchard', 'Delacroix', 'Abubakar', 'Whitcombe', 'Ashworth', 'Castellanos', 'Nakamura',
];
const RELATIVE = ['wife', 'husband', 'son', 'daughter', 'mother', 'father', 'sister', 'brother', 'partner', 'next of kin'];
const TITLE = ['Dr', 'Dr.', 'Mr', 'Mrs', 'Ms', 'Prof.'];

// --- Organisations: employers and referring clinics -------------------------------------------
const ORG_STEM = ['Harlow Fenwick', 'Brightwater', 'Northgate', 'Kestrel Vale', 'Marlowe & Finch', 'Pendleton', 'Greystoke', 'Ashford Lane', 'Blue Heron', 'Corbett Hollis'];
const ORG_SUFFIX = ['Ltd', 'plc', 'Inc.', 'LLC', 'GmbH', 'Logistics Ltd', 'Engineering GmbH', 'Partners LLP', 'Holdings', 'Group'];
const CLINIC = [
  'Saint Wendell Clinic', 'Riverside Medical Practice', 'Kensington Dental Surgery', 'Clinique du Parc',
  'Hollybank Health Centre', 'St. Aldhelm Hospital', 'Mercy Ridge Medical Center', 'Klinikum Westend',
  'Lakeside Orthopaedic Clinic', 'Ospedale San Gerardo',
];

// --- Places and addresses ----------------------------------------------------------------------
const TOWN = ['Leeds', 'Harrogate', 'Manchester', 'Boston', 'Chicago', 'Berlin', 'Munich', 'Lyon', 'Rotterdam', 'Barcelona', 'Dublin', 'Toronto'];
const ADDRESS = [
  '14 Elm Street, Leeds LS6 2AB', '221B Baker Street, London NW1 6XE', '7 Rowan Close, Harrogate HG1 4QT',
  '1600 Pennsylvania Ave NW, Washington, DC 20500', '42 Maple Drive, Springfield, IL 62704', '905 Oak Lane, Austin, TX 78701',
  'Hauptstraße 12, 10115 Berlin', 'Lindenweg 3a, 80331 München', '12 rue de la Paix, 75002 Paris',
  'Keizersgracht 221, 1016 DV Amsterdam', 'Calle Mayor 8, 28013 Madrid', '33 Harbour Road, Dublin D04 X2Y7',
  'Flat 3, 18 Victoria Road, Cardiff CF10 3AT', '88 Queen Street West, Toronto, ON M5H 2M9',
];

// --- Phones, e-mails, IDs, dates ---------------------------------------------------------------
const PHONE = [
  '020 7946 0958', '+44 20 7946 0958', '07700 900123', '+44 (0)113 496 0123', '0113 496 0000',
  '(555) 123-4567', '555-867-5309', '+1 415 555 0132', '+1-202-555-0175', '415.555.0199',
  '+49 30 12345678', '030 1234567', '+33 1 42 68 53 00', '06 12 34 56 78', '+31 (0)20 123 4567',
  '+34 912 345 678', '+81 3-1234-5678', '+61 2 9876 5432', '+91 98765 43210', '+353 1 234 5678',
];
const EMAIL_USER = ['m.okonkwo', 'jfenwick', 'anna.schroeder', 'kwame.asante', 'p_krish', 'y.takahashi', 'lucia.fm', 'thistle.w'];
const EMAIL_DOMAIN = ['gmail.com', 'harlowfenwick.co.uk', 'web.de', 'outlook.com', 'nhs.net', 'orange.fr', 'yahoo.co.jp', 'clinic-parc.fr'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// --- Clinical text that must stay -------------------------------------------------------------
const CLINICAL = [
  'MRI brain with and without contrast. T2 FLAIR hyperintensity in the left periventricular white matter.',
  'Known Parkinson disease. DaTscan requested.',
  'Follow-up of Hodgkin lymphoma after 4 cycles of ABVD; residual mediastinal mass 3.2 cm.',
  'Crohn disease with terminal ileum wall thickening of 7 mm.',
  'Down syndrome, atrioventricular septal defect repaired.',
  'CT abdomen pelvis with IV contrast, portal venous phase.',
  'Lesion in segment VII of the liver measuring 2.4 x 1.8 cm, unchanged.',
  'DWI and ADC show restricted diffusion in the right MCA territory.',
  'On metformin 500 mg and atorvastatin 20 mg. No gadolinium reaction.',
  'Baker cyst in the left popliteal fossa, 4.1 cm.',
  'Colles fracture of the distal radius, dorsal angulation 20 degrees.',
  'Hashimoto thyroiditis; heterogeneous gland on ultrasound.',
  'Meckel diverticulum suspected on Tc-99m pertechnetate scan.',
  'Bankart lesion and Hill-Sachs defect after anterior dislocation.',
  'Ewing sarcoma of the left femur, post chemotherapy.',
  'Alzheimer dementia; hippocampal volume loss.',
  'Circle of Willis patent; no aneurysm on TOF MRA.',
  'Achilles tendon partial tear, 12 mm gap.',
  'Cushing syndrome workup: adrenal adenoma 1.9 cm, 8 HU.',
  'Barrett oesophagus, surveillance endoscopy normal.',
  'Sagittal T1 MPRAGE, axial SWI, coronal STIR of the lumbar spine.',
  'L4/L5 disc protrusion with S1 nerve root contact.',
  'Warfarin held 5 days prior to biopsy. INR 1.1.',
  'Murphy sign positive; gallbladder wall 5 mm, pericholecystic fluid.',
  'Paget disease of the right hemipelvis.',
  'Bell palsy, enhancement of the facial nerve canal segment.',
  'Wilms tumour, right kidney, 9 cm.',
  'Graves disease: diffuse uptake on Tc-99m scan.',
  'PET-CT with 18F-FDG, SUVmax 8.4 in the right hilar node.',
  'Chest X-ray PA and lateral: no consolidation. Kerley B lines absent.',
  'Prostate MRI, PI-RADS 4 lesion in the left peripheral zone, 14 mm.',
  'Cardiac MRI: LVEF 54 %, late gadolinium enhancement absent.',
  'Addison disease on hydrocortisone 20 mg daily.',
  'Sjögren syndrome, parotid glands heterogeneous.',
  'Virchow node enlarged, 1.6 cm short axis.',
  'Bosniak IIF cyst of the left kidney.',
  'Salter-Harris II fracture of the distal tibia.',
  'Morton neuroma between the third and fourth metatarsal heads.',
  'Schmorl node at T12. Modic type 1 change at L5/S1.',
  'Kaposi sarcoma, multiple pulmonary nodules up to 8 mm.',
];

/** Each template fills one planted value into a sentence; `{}` marks where it goes. */
interface Plant {
  kind: FreeTextKind;
  /** The sentence, with the value (and only the value) between the markers. */
  make: (pick: <T>(list: readonly T[]) => T, r: () => number) => { before: string; value: string; after: string };
}

const person = (pick: <T>(l: readonly T[]) => T): string => `${pick(GIVEN)} ${pick(FAMILY)}`;

const PLANTS: Plant[] = [
  { kind: 'person', make: (pick) => ({ before: `${cap(pick(RELATIVE))} `, value: person(pick), after: ' present during the scan.' }) },
  { kind: 'person', make: (pick) => ({ before: 'Referred by ', value: `${pick(TITLE)} ${person(pick)}`, after: '.' }) },
  { kind: 'person', make: (pick) => ({ before: 'Discussed with ', value: person(pick), after: ' (radiology registrar) by phone.' }) },
  { kind: 'person', make: (pick) => ({ before: 'Results to be sent to ', value: `${pick(TITLE)} ${pick(FAMILY)}`, after: '.' }) },
  { kind: 'person', make: (pick) => ({ before: 'Images compared with those of ', value: person(pick), after: ' by mistake; corrected.' }) },
  { kind: 'person', make: (pick) => ({ before: 'Contact: ', value: person(pick), after: ` (${pick(RELATIVE)}).` }) },
  { kind: 'person', make: (pick) => ({ before: 'Reported by ', value: person(pick), after: ', consultant radiologist.' }) },
  { kind: 'person', make: (pick) => ({ before: 'Escorted by her ', value: '', after: '' }) }, // replaced below
  { kind: 'organisation', make: (pick) => ({ before: 'Employer: ', value: `${pick(ORG_STEM)} ${pick(ORG_SUFFIX)}`, after: '.' }) },
  { kind: 'organisation', make: (pick) => ({ before: 'Works at ', value: `${pick(ORG_STEM)} ${pick(ORG_SUFFIX)}`, after: ' as a welder; metal fragments excluded.' }) },
  { kind: 'organisation', make: (pick) => ({ before: 'Referring clinic: ', value: pick(CLINIC), after: '.' }) },
  { kind: 'organisation', make: (pick) => ({ before: 'Prior imaging at ', value: pick(CLINIC), after: ' not available.' }) },
  { kind: 'organisation', make: (pick) => ({ before: 'Transferred from ', value: pick(CLINIC), after: ' for further management.' }) },
  { kind: 'place', make: (pick) => ({ before: 'Patient lives in ', value: pick(TOWN), after: ' and travels for appointments.' }) },
  { kind: 'place', make: (pick) => ({ before: 'Recently returned from ', value: pick(TOWN), after: '.' }) },
  { kind: 'address', make: (pick) => ({ before: 'Home address: ', value: pick(ADDRESS), after: '.' }) },
  { kind: 'address', make: (pick) => ({ before: 'Transport to ', value: pick(ADDRESS), after: ' after the scan.' }) },
  { kind: 'address', make: (pick) => ({ before: 'Letter sent to ', value: pick(ADDRESS), after: '' }) },
  { kind: 'phone', make: (pick) => ({ before: 'Call ', value: pick(PHONE), after: ' with results.' }) },
  { kind: 'phone', make: (pick) => ({ before: 'Tel: ', value: pick(PHONE), after: '' }) },
  { kind: 'phone', make: (pick) => ({ before: 'Daughter reachable on ', value: pick(PHONE), after: ' after 5 pm.' }) },
  { kind: 'email', make: (pick) => ({ before: 'Report copy to ', value: `${pick(EMAIL_USER)}@${pick(EMAIL_DOMAIN)}`, after: '.' }) },
  { kind: 'email', make: (pick) => ({ before: 'e-mail: ', value: `${pick(EMAIL_USER)}@${pick(EMAIL_DOMAIN)}`, after: '' }) },
  { kind: 'id', make: (pick, r) => ({ before: 'Compare with prior under MRN ', value: digits(r, 8), after: '.' }) },
  { kind: 'id', make: (pick, r) => ({ before: 'NHS number ', value: `${digits(r, 3)} ${digits(r, 3)} ${digits(r, 4)}`, after: ' verified.' }) },
  { kind: 'id', make: (pick, r) => ({ before: 'Wrong patient (', value: `${pick(['RX', 'H', 'A', 'PID-', 'MRN'])}${digits(r, 7)}`, after: ') images deleted.' }) },
  { kind: 'id', make: (pick, r) => ({ before: 'Hospital no. ', value: `${pick(['K', 'X', 'TR'])}${digits(r, 6)}`, after: '' }) },
  { kind: 'id', make: (pick, r) => ({ before: 'See also accession ', value: `${digits(r, 4)}-${digits(r, 5)}`, after: ' for the prior study.' }) },
  { kind: 'date', make: (pick, r) => ({ before: 'Prior study ', value: isoDate(r), after: ', stable.' }) },
  { kind: 'date', make: (pick, r) => ({ before: 'Compared with ', value: dottedDate(r), after: '.' }) },
  { kind: 'date', make: (pick, r) => ({ before: 'Surgery on ', value: longDate(r, pick), after: '.' }) },
  { kind: 'date', make: (pick, r) => ({ before: 'Symptoms since ', value: usLongDate(r, pick), after: '.' }) },
  { kind: 'date', make: (pick, r) => ({ before: 'Last MRI ', value: shortDate(r), after: ' showed the same.' }) },
];

const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);
const digits = (r: () => number, n: number): string => Array.from({ length: n }, (_, i) => String(Math.floor(r() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0))).join('');
const pad = (n: number): string => String(n).padStart(2, '0');
const ymd = (r: () => number): [number, number, number] => [1990 + Math.floor(r() * 35), 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28)];
const isoDate = (r: () => number): string => { const [y, m, d] = ymd(r); return `${y}-${pad(m)}-${pad(d)}`; };
const dottedDate = (r: () => number): string => { const [y, m, d] = ymd(r); return `${pad(d)}.${pad(m)}.${y}`; };
const longDate = (r: () => number, pick: <T>(l: readonly T[]) => T): string => {
  const [y, m, d] = ymd(r);
  return pick([`${d} ${MONTHS[m - 1]} ${y}`, `${d}${ordinal(d)} ${MONTHS[m - 1]} ${y}`, `${pad(d)}-${MONTHS[m - 1].slice(0, 3)}-${y}`]);
};
const usLongDate = (r: () => number, pick: <T>(l: readonly T[]) => T): string => {
  const [y, m, d] = ymd(r);
  return pick([`${MONTHS[m - 1]} ${d}${ordinal(d)}, ${y}`, `${MONTHS[m - 1]} ${d}, ${y}`, `${MONTHS[m - 1].slice(0, 3)} ${d}, ${y}`]);
};
const shortDate = (r: () => number): string => { const [y, m, d] = ymd(r); return `${pad(m)}/${pad(d)}/${pad(y % 100)}`; };
const ordinal = (d: number): string => (d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th');

/** The relative template without a title or cue word before the name: the hardest person case. */
function bareName(pick: <T>(l: readonly T[]) => T): { before: string; value: string; after: string } {
  return { before: '', value: person(pick), after: ` accompanied the patient. ${pick(CLINICAL)}` };
}

/**
 * `count` samples. Each holds one to three clinical sentences and one or two planted values;
 * every tenth sample has none (clinical text only), as most real descriptions do.
 */
export function makeFreeTextSet(count = 400, seed = 20240609): FreeTextSample[] {
  const r = mulberry32(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const fields: FreeTextSample['field'][] = ['description', 'comment', 'sr'];
  const samples: FreeTextSample[] = [];
  for (let i = 0; i < count; i++) {
    const field = fields[i % fields.length];
    let text = '';
    const planted: PlantedSpan[] = [];
    const sentence = (s: string): void => { text += (text ? ' ' : '') + s; };
    const plantCount = i % 10 === 9 ? 0 : field === 'description' ? 1 : 1 + Math.floor(r() * 2);
    const clinicalCount = field === 'description' ? 1 : 1 + Math.floor(r() * 2);
    const order = Array.from({ length: plantCount + clinicalCount }, (_, k) => (k < plantCount ? 'plant' : 'clinical')).sort(() => r() - 0.5);
    for (const what of order) {
      if (what === 'clinical') {
        sentence(pick(CLINICAL));
        continue;
      }
      // Plants are taken in turn (offset by a random step), so every kind is well represented.
      const index = (i * 7 + Math.floor(r() * 3)) % PLANTS.length;
      const plant = PLANTS[index];
      const parts = index === 7 ? bareName(pick) : plant.make(pick, r);
      const start = (text ? text.length + 1 : 0) + parts.before.length;
      sentence(`${parts.before}${parts.value}${parts.after}`);
      planted.push({ kind: plant.kind, value: parts.value, start, end: start + parts.value.length });
    }
    samples.push({ field, text, planted });
  }
  return samples;
}

/** The clinical sentences of the set, on their own: each must come out of the detector unchanged. */
export const CLINICAL_SENTENCES: readonly string[] = CLINICAL;

/**
 * A held-out set: sentence shapes, names, organisations and places that the detector was NOT
 * tuned on (written after the detector, never looked at while changing it). Its figures, in the
 * bench, say how far the tuned set's figures carry over; no test asserts on them.
 */
export function makeHeldOutFreeTextSet(seed = 7): FreeTextSample[] {
  const r = mulberry32(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const given = ['Beatriz', 'Olumide', 'Hamid', 'Ingrid', 'Soo-ah', 'Tatiana', 'Ewan', 'Rafaela', 'Kenji', 'Deepika', 'Bogdan', 'Niamh'];
  const family = ['Vasconcelos', 'Olawale', 'Farahani', 'Bergström', 'Cho', 'Ivanova', 'MacLeod', 'Quintero', 'Sato', 'Venkatesh', 'Popescu', 'Gallagher'];
  const orgs = ['Tidewell Freight Ltd', 'Copperleaf Software Inc.', 'Stonebridge Academy', 'Westmoor Veterinary Practice', 'Halvorsen Bygg AS', 'Duarte & Filhos Lda'];
  const towns = ['Stavanger', 'Porto', 'Tampere', 'Galway', 'Aberdeen', 'Winnipeg', 'Brisbane', 'Graz'];
  const clinical = ['Small pleural effusion on the left.', 'No acute intracranial haemorrhage.', 'Osgood-Schlatter disease in the past.', 'Chiari I malformation, tonsils 7 mm below the foramen magnum.', 'Given 10 mg Buscopan IV.'];
  const templates: { kind: FreeTextKind; make: () => [string, string, string] }[] = [
    { kind: 'person', make: () => ['Interpreter ', `${pick(given)} ${pick(family)}`, ' present.'] },
    { kind: 'person', make: () => ['Patient is the brother-in-law of ', `${pick(given)} ${pick(family)}`, '.'] },
    { kind: 'person', make: () => ['', `${pick(given)} ${pick(family)}`, ' asked for a copy on CD.'] },
    { kind: 'person', make: () => ['GP: ', `Dr ${pick(family)}`, '.'] },
    { kind: 'organisation', make: () => ['Occupation: driver for ', pick(orgs), '.'] },
    { kind: 'organisation', make: () => ['Student at ', pick(orgs), ', sports injury.'] },
    { kind: 'place', make: () => ['Holiday in ', pick(towns), ' last month.'] },
    { kind: 'place', make: () => ['Moved from ', pick(towns), ' in the spring.'] },
    { kind: 'address', make: () => ['Lives at ', `${1 + Math.floor(r() * 90)} ${pick(['Birch', 'Harbour', 'Kingsway', 'Mill'])} ${pick(['Road', 'Avenue', 'Crescent', 'Lane'])}, ${pick(towns)}`, '.'] },
    { kind: 'phone', make: () => ['Mobile ', pick(['07911 123456', '+47 912 34 567', '+351 912 345 678', '(204) 555-0142', '+61 412 345 678']), '.'] },
    { kind: 'email', make: () => ['Email ', `${pick(given).toLowerCase()}.${pick(family).toLowerCase().replace(/[^a-z]/g, '')}@${pick(['proton.me', 'icloud.com', 'uni-graz.at'])}`, ' for results.'] },
    { kind: 'id', make: () => ['Previous imaging filed under hospital number ', `${pick(['Q', 'ZZ', 'M'])}${digits(r, 6)}`, '.'] },
    { kind: 'id', make: () => ['Insurance no. ', `${digits(r, 3)}-${digits(r, 2)}-${digits(r, 4)}`, '.'] },
    { kind: 'date', make: () => ['Fall on ', `${1 + Math.floor(r() * 28)}/${1 + Math.floor(r() * 12)}/${2000 + Math.floor(r() * 24)}`, '.'] },
    { kind: 'date', make: () => ['Operated ', `${pick(MONTHS)} ${2000 + Math.floor(r() * 24)}`, '.'] },
  ];
  const samples: FreeTextSample[] = [];
  for (let i = 0; i < 150; i++) {
    const t = templates[i % templates.length];
    const [before, value, after] = t.make();
    const lead = `${pick(clinical)} `;
    const text = `${lead}${before}${value}${after} ${pick(clinical)}`;
    const start = lead.length + before.length;
    samples.push({ field: 'comment', text, planted: [{ kind: t.kind, value, start, end: start + value.length }] });
  }
  return samples;
}
