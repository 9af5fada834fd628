"""Real models scripted by tscript, each output compared with eager PyTorch (issue 5's suite).

Eval mode, fixed seeds, `weights=None`, small inputs where the architecture allows. Every
model torch.jit 1.13 scripts belongs here; the ones tscript cannot script yet are listed in
NOT_YET with the reason, so the list shrinks visibly (a listed model that passes fails the
test: remove it from the list).
"""
import warnings

import pytest
import torch
import torchvision
from torchvision.models import detection, list_models, segmentation, video

import tscript

try:
    from torchaudio import models as audio
except ImportError:  # pragma: no cover - torchaudio is installed by scripts/install-deps.sh
    audio = None

# name -> input shape. Every torchvision 0.14 classification model (`list_models`); the
# test below checks that none is missing. 64x64 unless the architecture needs another size.
_CLASSIFICATION_MODELS = list_models(module=torchvision.models)
CLASSIFICATION = {name: (1, 3, 64, 64) for name in _CLASSIFICATION_MODELS}
CLASSIFICATION.update({
    "inception_v3": (1, 3, 96, 96),  # its stem needs at least 75x75
    "vit_b_16": (1, 3, 224, 224),  # at its default image size (the others are told theirs)
    "vit_b_32": (1, 3, 32, 32), "vit_l_16": (1, 3, 32, 32), "vit_l_32": (1, 3, 32, 32),
    "vit_h_14": (1, 3, 28, 28),  # two 14x14 patches per side
    "maxvit_t": (1, 3, 224, 224),  # every block's grid must be divisible by its partition 7
})
CLASSIFICATION.update({name: (1, 3, 32, 32) for name in _CLASSIFICATION_MODELS
                       if name.startswith("vgg")})
# Constructor arguments: ViTs other than vit_b_16 take their (small) image size.
_CLASSIFICATION_KWARGS = {name: {"image_size": CLASSIFICATION[name][-1]}
                          for name in ("vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14")}
# Left out of `make test` (`make test-slow` runs them): the models taking more than ~10 s here
# (2 shared cores), mostly weight initialization of hundreds of millions of parameters; each
# family keeps its smaller members in `make test`. Times measured are in docs/OVERVIEW.md.
SLOW = {
    "convnext_small", "convnext_base", "convnext_large", "efficientnet_v2_l", "efficientnet_v2_m",
    "efficientnet_b6", "efficientnet_b7", "regnet_x_16gf", "regnet_x_32gf", "regnet_y_16gf",
    "regnet_y_32gf", "regnet_y_128gf", "regnet_x_8gf", "regnet_y_8gf", "resnet152",
    "resnext101_32x8d", "resnext101_64x4d", "swin_s", "swin_b", "swin_v2_s", "swin_v2_b",
    "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "vit_h_14",
    "vit_l_16", "vit_l_32", "wide_resnet101_2", "densenet161", "densenet201", "maxvit_t",
}
SEGMENTATION = {
    "fcn_resnet50": (1, 3, 64, 64), "deeplabv3_resnet50": (1, 3, 64, 64),
    "deeplabv3_mobilenet_v3_large": (1, 3, 64, 64), "lraspp_mobilenet_v3_large": (1, 3, 64, 64),
}
VIDEO = {"r3d_18": (1, 3, 4, 32, 32)}
DETECTION = ["fasterrcnn_mobilenet_v3_large_320_fpn", "fasterrcnn_mobilenet_v3_large_fpn",
             "fasterrcnn_resnet50_fpn", "retinanet_resnet50_fpn", "fcos_resnet50_fpn",
             "ssd300_vgg16", "ssdlite320_mobilenet_v3_large", "maskrcnn_resnet50_fpn",
             "keypointrcnn_resnet50_fpn"]
NOT_YET = {}
# The score threshold at 0: with random weights every detection scores low, and the test
# should compare real boxes, not two empty lists.
_SCORE_THRESHOLD = {"box_score_thresh": 0.0}
# The transform of the R-CNN/RetinaNet/FCOS models resizes every image to min_size 800 by
# default (a 160x200 image becomes 800x1000, most of the suite's time); these sizes keep the
# test image as it is. SSD models resize to their fixed 300/320.
_KEEP_IMAGE_SIZE = {"min_size": 160, "max_size": 200}
_DETECTION_KWARGS = {name: {**(_SCORE_THRESHOLD if "rcnn" in name else {"score_thresh": 0.0}),
                            **({} if name.startswith("ssd") else _KEEP_IMAGE_SIZE)}
                     for name in DETECTION}


def _build(name):
    torch.manual_seed(0)
    if name in SEGMENTATION:
        return segmentation.__dict__[name](weights=None, weights_backbone=None).eval()
    if name in VIDEO:
        return video.__dict__[name](weights=None).eval()
    if name in DETECTION:
        return detection.__dict__[name](weights=None, weights_backbone=None,
                                        **_DETECTION_KWARGS[name]).eval()
    return torchvision.models.__dict__[name](weights=None,
                                             **_CLASSIFICATION_KWARGS.get(name, {})).eval()


def _first_output(value):
    # Scripted googlenet/inception return their NamedTuple (as torch.jit's do); eager the logits.
    return value[0] if isinstance(value, tuple) else value


def test_every_classification_model_is_listed():
    assert len(CLASSIFICATION) >= 80
    for family in ("resnet", "resnext", "wide_resnet", "densenet", "mobilenet_v2",
                   "mobilenet_v3", "mnasnet", "shufflenet_v2", "squeezenet", "efficientnet_b",
                   "efficientnet_v2", "regnet_x", "regnet_y", "googlenet", "inception_v3", "vit_",
                   "convnext_", "swin_t", "swin_v2", "maxvit", "alexnet", "vgg"):
        assert any(name.startswith(family) for name in CLASSIFICATION), family
    assert SLOW <= set(CLASSIFICATION)
    assert len(SLOW) < len(CLASSIFICATION) // 2


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name
    for name in list(CLASSIFICATION) + list(SEGMENTATION) + list(VIDEO)])
def test_model_matches_eager(name):
    model = _build(name)
    scripted = tscript.script(model)
    shape = {**CLASSIFICATION, **SEGMENTATION, **VIDEO}[name]
    x = torch.randn(*shape)
    with torch.no_grad():
        expected = model(x)
        actual = scripted(x)
    if isinstance(expected, dict):
        assert actual.keys() == expected.keys()
        for key in expected:
            torch.testing.assert_close(actual[key], expected[key], rtol=1e-4, atol=1e-5)
    else:
        # rtol 1e-4: the same kernels run, but 1.13's eager and our interpreter may pick
        # different (mathematically equal) overloads for fused add-multiplies.
        torch.testing.assert_close(_first_output(actual), expected, rtol=1e-4, atol=1e-5)


def _tiny_wav2vec2(**config):
    """torchaudio's wav2vec2_model with wav2vec2_base's / hubert_base's architecture
    (group-norm feature extractor, post-norm encoder) at a tiny size; `config` changes it."""
    arguments = dict(extractor_mode="group_norm",
                     extractor_conv_layer_config=[(16, 10, 5), (16, 3, 2)],
                     extractor_conv_bias=False, encoder_embed_dim=32,
                     encoder_projection_dropout=0.0, encoder_pos_conv_kernel=16,
                     encoder_pos_conv_groups=4, encoder_num_layers=3, encoder_num_heads=2,
                     encoder_attention_dropout=0.0, encoder_ff_interm_features=64,
                     encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
                     encoder_layer_norm_first=False, encoder_layer_drop=0.0, aux_num_out=None)
    arguments.update(config)
    return audio.wav2vec2_model(**arguments)


# torchaudio models (small configurations) and nn.Transformer: name -> (make, inputs).
AUDIO = {
    # wav2vec2_base and hubert_base are this architecture (12 layers of 768 features take
    # ~10 s to construct here; the scripted code is the same at any size).
    "wav2vec2_base_arch": (lambda: _tiny_wav2vec2(),
                           lambda: (torch.randn(2, 400), torch.tensor([400, 300]))),
    # wav2vec2_large_lv60k / hubert_large: layer-norm extractor, pre-norm encoder, a head.
    "wav2vec2_large_lv60k_arch": (lambda: _tiny_wav2vec2(extractor_mode="layer_norm",
                                                         extractor_conv_bias=True,
                                                         encoder_layer_norm_first=True,
                                                         aux_num_out=5),
                                  lambda: (torch.randn(1, 400),)),
    "conformer": (lambda: audio.Conformer(input_dim=16, num_heads=2, ffn_dim=32, num_layers=2,
                                          depthwise_conv_kernel_size=3),
                  lambda: (torch.randn(2, 10, 16), torch.tensor([10, 8]))),
    "emformer": (lambda: audio.Emformer(input_dim=16, num_heads=2, ffn_dim=32, num_layers=2,
                                        segment_length=4),
                 lambda: (torch.randn(2, 12, 16), torch.tensor([12, 10]))),
    "wav2letter": (lambda: audio.Wav2Letter(num_classes=10, input_type="waveform", num_features=1),
                   lambda: (torch.randn(1, 1, 4000),)),
    "convtasnet": (lambda: audio.ConvTasNet(num_sources=2, enc_kernel_size=16, enc_num_feats=32,
                                            msk_kernel_size=3, msk_num_feats=16,
                                            msk_num_hidden_feats=32, msk_num_layers=2,
                                            msk_num_stacks=1),
                   lambda: (torch.randn(1, 1, 800),)),
    # forward rebinds `_` (an int from `b_size, _, seq_len = specgram.size()`) to a Tensor
    # inside its loop (`_, h1 = self.rnn1(...)`), which 1.13 accepts.
    "wavernn": (lambda: audio.WaveRNN(upsample_scales=[2, 2], n_classes=16, hop_length=4,
                                      n_res_block=1, n_rnn=16, n_fc=16, kernel_size=3, n_freq=8,
                                      n_hidden=8, n_output=8),
                lambda: (torch.randn(2, 1, 16), torch.randn(2, 1, 8, 6))),
}
# torch.jit 1.13 scripts these; tscript not yet (none left). DeepSpeech is left out of AUDIO:
# 1.13 rejects it too, with the same error, an int passed for F.hardtanh's float min_val.
AUDIO_NOT_YET = {}


@pytest.mark.skipif(audio is None, reason="torchaudio is not installed")
@pytest.mark.parametrize("name", list(AUDIO))
def test_audio_model_matches_eager(name):
    make, inputs = AUDIO[name]
    torch.manual_seed(0)
    model = make().eval()
    scripted = tscript.script(model)
    args = inputs()
    with torch.no_grad():
        expected, actual = model(*args), scripted(*args)
    torch.testing.assert_close(_first_output(actual), _first_output(expected), rtol=1e-4, atol=1e-5)


# The full-size pretrained architectures (random weights): 95M (base) / 317M (large)
# parameters, whose construction alone takes seconds here, so they run in `make test-slow`.
FULL_SIZE_AUDIO = ["wav2vec2_base", "hubert_base", "wav2vec2_large", "hubert_large"]


@pytest.mark.slow
@pytest.mark.skipif(audio is None, reason="torchaudio is not installed")
@pytest.mark.parametrize("name", FULL_SIZE_AUDIO)
def test_full_size_audio_model_matches_eager(name):
    torch.manual_seed(0)
    model = getattr(audio, name)().eval()
    scripted = tscript.script(model)
    waveform = torch.randn(1, 4000)  # a quarter second at 16 kHz
    with torch.no_grad():
        expected, actual = model(waveform), scripted(waveform)
    torch.testing.assert_close(_first_output(actual), _first_output(expected), rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(audio is None, reason="torchaudio is not installed")
@pytest.mark.parametrize("num_layers", [None, 1, 2])
def test_wav2vec2_intermediate_outputs_match_eager(num_layers):
    # extract_features (an @export method) returns from inside the loop over the encoder
    # layers once it has num_layers outputs: a return inside an unrolled loop.
    torch.manual_seed(0)
    model = _tiny_wav2vec2().eval()
    scripted = tscript.script(model)
    waveforms, lengths = torch.randn(2, 400), torch.tensor([400, 300])
    with torch.no_grad():
        expected, expected_lengths = model.extract_features(waveforms, lengths, num_layers)
        actual, actual_lengths = scripted.extract_features(waveforms, lengths, num_layers)
    assert len(actual) == len(expected) == (num_layers or 3)
    for a, e in zip(actual, expected):
        torch.testing.assert_close(a, e, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(actual_lengths, expected_lengths)


def _tacotron2():
    return audio.Tacotron2(n_symbol=20, n_mels=16, encoder_embedding_dim=32,
                           symbol_embedding_dim=32, encoder_n_convolution=1, decoder_rnn_dim=32,
                           attention_rnn_dim=32, attention_hidden_dim=16,
                           postnet_embedding_dim=16, prenet_dim=16, encoder_kernel_size=5,
                           postnet_n_convolution=1, attention_location_n_filter=4,
                           decoder_max_step=12).eval()


@pytest.mark.skipif(audio is None, reason="torchaudio is not installed")
@pytest.mark.parametrize("method", ["forward", "infer"])
def test_tacotron2_matches_eager(method):
    # The decoder's prenet applies dropout even in eval mode (F.dropout(training=True)), so
    # each call starts from the same seed: the scripted code draws the same random numbers in
    # the same order as eager (the same ATen dropout kernels, called in the same sequence),
    # which makes the outputs equal, not just close in distribution.
    torch.manual_seed(0)
    model = _tacotron2()
    scripted = tscript.script(model)
    tokens, lengths = torch.randint(0, 20, (2, 7)), torch.tensor([7, 5])
    mel, mel_lengths = torch.randn(2, 16, 6), torch.tensor([6, 4])
    args = (tokens, lengths, mel, mel_lengths) if method == "forward" else (tokens, lengths)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # infer: "Reached max decoder steps"
        torch.manual_seed(3)
        expected = getattr(model, method)(*args)
        torch.manual_seed(3)
        actual = getattr(scripted, method)(*args)
        torch.manual_seed(4)
        other_draws = getattr(model, method)(*args)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        torch.testing.assert_close(a, e, rtol=1e-4, atol=1e-5)
    # The seed matters (dropout is really applied): other draws give another spectrogram.
    assert not torch.allclose(other_draws[0].float(), expected[0].float())


# nn.Transformer and its encoder/decoder stacks: scripted from torch.nn's own source, which
# uses isinstance(self.layers[0], torch.nn.TransformerEncoderLayer) and hasattr(self, ...).
TRANSFORMERS = {
    "transformer": (lambda: torch.nn.Transformer(d_model=16, nhead=2, num_encoder_layers=2,
                                                 num_decoder_layers=2, dim_feedforward=32),
                    lambda: (torch.randn(5, 2, 16), torch.randn(4, 2, 16))),
    "transformer_batch_first_masks": (
        lambda: torch.nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1,
                                     num_decoder_layers=1, dim_feedforward=32, batch_first=True),
        lambda: (torch.randn(2, 5, 16), torch.randn(2, 4, 16),
                 torch.zeros(5, 5), torch.nn.Transformer.generate_square_subsequent_mask(4))),
    "encoder": (lambda: torch.nn.TransformerEncoder(
                    torch.nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32),
                    num_layers=2, norm=torch.nn.LayerNorm(16)),
                lambda: (torch.randn(6, 3, 16),)),
    "decoder": (lambda: torch.nn.TransformerDecoder(
                    torch.nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32,
                                                     norm_first=True),
                    num_layers=2),
                lambda: (torch.randn(4, 3, 16), torch.randn(6, 3, 16))),
}


@pytest.mark.parametrize("name", list(TRANSFORMERS))
def test_nn_transformer_matches_eager_and_torch_jit(name):
    make, inputs = TRANSFORMERS[name]
    torch.manual_seed(0)
    model = make().eval()
    scripted = tscript.script(model)
    args = inputs()
    with torch.no_grad():
        expected = model(*args)
        torch.testing.assert_close(scripted(*args), expected, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(torch.jit.script(model)(*args), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(audio is None, reason="torchaudio is not installed")
@pytest.mark.parametrize("name", list(AUDIO_NOT_YET) or [pytest.param("", marks=pytest.mark.skip(
    reason="every torchaudio model torch.jit 1.13 scripts is scripted"))])
def test_audio_models_not_yet(name):
    make, _ = AUDIO_NOT_YET[name]
    torch.manual_seed(0)
    with pytest.raises(tscript.CompileError):
        tscript.script(make().eval())


@pytest.mark.parametrize("name", [name for name in DETECTION if name not in NOT_YET])
def test_detection_model_matches_eager(name):
    model = _build(name)
    scripted = tscript.script(model)
    torch.manual_seed(1)
    images = [torch.rand(3, 160, 200)]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "RCNN always returns a (Losses, Detections) tuple"
        expected = model(images)
        losses, actual = scripted(images)
    assert losses == {}
    assert len(actual) == len(expected) == 1
    assert actual[0].keys() == expected[0].keys()
    assert expected[0]["boxes"].shape[0] > 0  # the threshold lets detections through
    for key in expected[0]:
        # atol 1e-4: boxes are in pixels (up to 200) decoded from exp() of regressions.
        torch.testing.assert_close(actual[0][key], expected[0][key], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", list(NOT_YET) or [pytest.param("", marks=pytest.mark.skip(
    reason="every detection model torch.jit 1.13 scripts is scripted"))])
def test_detection_models_not_yet(name):
    with pytest.raises(tscript.CompileError):
        tscript.script(_build(name))


@pytest.mark.skipif(audio is None, reason="torchaudio is not installed")
def test_wavernn_infer_matches_eager():
    # infer (an @export method) is the loop that rebinds `_`; it samples with
    # torch.multinomial, so both calls start from the same seed and draw the same numbers.
    make, _ = AUDIO["wavernn"]
    torch.manual_seed(0)
    model = make().eval()
    scripted = tscript.script(model)
    specgram, lengths = torch.randn(2, 8, 5), torch.tensor([5, 4])
    with torch.no_grad():
        torch.manual_seed(7)
        expected, expected_lengths = model.infer(specgram, lengths)
        torch.manual_seed(7)
        actual, actual_lengths = scripted.infer(specgram, lengths)
    assert expected.shape[:2] == (2, 1) and expected.shape[2] > 0
    torch.testing.assert_close(actual, expected)
    torch.testing.assert_close(actual_lengths, expected_lengths)
